import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessRunner, RunOptions, RunResult } from '../ports/processRunner';

/** How long to wait for the pipes to close after the shell exited and its group was killed. */
const CLOSE_GRACE_MS = 500;
const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
const isWindows = process.platform === 'win32';

function shellCommand(command: string): { file: string; args: string[] } {
  if (isWindows) return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`] };
  return { file: '/bin/sh', args: ['-c', command] };
}

/** Kills the process and everything in its group (its children and their children). */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (isWindows) {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Combined stdout+stderr in arrival order, kept up to a cap and counted beyond it. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.max - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  bytes(): Uint8Array {
    const b = Buffer.concat(this.chunks);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}

function abortedBeforeStart(): RunResult {
  return { exitCode: null, signal: null, timedOut: false, aborted: true, output: new Uint8Array(), outputBytes: 0, durationMs: 0 };
}

/**
 * The `ProcessRunner` port with real child processes. The command runs through `/bin/sh -c`
 * (`cmd.exe /c` on Windows) as the leader of a new process group, with stdin closed. When the shell
 * exits, on timeout and on abort, the whole group is killed; the run then resolves as soon as the
 * pipes close, or after a short grace if something outside the group still holds them, so a
 * command that leaves background processes behind never hangs the agent.
 */
export class NodeProcessRunner implements ProcessRunner {
  constructor(private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  run(command: string, options: RunOptions): Promise<RunResult> {
    if (options.signal?.aborted) return Promise.resolve(abortedBeforeStart());
    const started = Date.now();
    const out = new OutputBuffer(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const { file, args } = shellCommand(command);
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...this.baseEnv, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: !isWindows,
      windowsHide: true,
      windowsVerbatimArguments: isWindows,
    });

    return new Promise<RunResult>((resolve, reject) => {
      let timedOut = false;
      let aborted = false;
      let exit: { code: number | null; signal: string | null } | undefined;
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;

      const onAbort = () => {
        aborted = true;
        killTree(child);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killTree(child);
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const cleanup = () => {
        settled = true;
        clearTimeout(timer);
        if (graceTimer) clearTimeout(graceTimer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const finish = () => {
        if (settled || !exit) return;
        cleanup();
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({
          exitCode: exit.code,
          signal: exit.signal,
          timedOut,
          aborted,
          output: out.bytes(),
          outputBytes: out.total,
          durationMs: Date.now() - started,
        });
      };

      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => out.push(c));
      child.on('error', (e) => {
        if (settled) return;
        if (child.pid === undefined) {
          cleanup();
          reject(e);
        }
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // Grandchildren may still hold the pipes: end them with the group, then give the pipes a moment to drain.
        killTree(child);
        graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
      });
      child.on('close', finish);
    });
  }
}
