import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import type { ProcessRunner, RunOptions, RunResult } from '../ports/processRunner';
import { DEFAULT_SECRET_NAMES, SecretMask, secretValues, type SecretValue } from '../secrets/secretMask';
import { COMMAND_MARK, canFindStrays, newMark, stopStrays, type Stray } from './strayProcesses';

/** How long to wait for the pipes to close after the shell exited and its group was killed. */
const CLOSE_GRACE_MS = 500;
const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
const isWindows = process.platform === 'win32';
/** setTimeout fires at once for delays past 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The model credentials that Savepoint (and the SDK under it) read from the environment. A command
 * the agent runs never gets them: its output goes to the model and into the store, so `env` would
 * hand the key to both (and to an export of the session). Names compared in any letter case
 * (Windows' are case-insensitive).
 */
const CREDENTIALS = new Set(['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN']);

/** `env` without the model credentials. */
export function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !CREDENTIALS.has(name.toUpperCase())));
}

/**
 * At this process's death, before the group kill (which ends the guard too): kills the processes
 * that carry the command's mark (from the guard's environment, as it was before the command ran) and
 * are not in its group, those it started that left the group (`setsid`, a daemon; see `stopStrays`).
 * `grep -z` lists the /proc/PID/environ that hold the exact `NAME=value` entry; the group is read
 * from /proc/PID/stat after the last ") " (the name may hold spaces and parentheses); the shell, `$$`,
 * leads the guard's group. Rounds, as a stray may fork between a look and its kill. POSIX sh (dash,
 * busybox); where grep cannot read NUL-separated lines it finds nothing and the group kill is all
 * there is. Linux only.
 */
const STRAYS_AT_DEATH =
  `m=$${COMMAND_MARK}; n=0; while [ -n "$m" ] && [ $n -lt 10 ]; do n=$((n+1)); k=; ` +
  `for f in $(grep -lszxF "${COMMAND_MARK}=$m" /proc/[0-9]*/environ); do p=\${f#/proc/}; p=\${p%/environ}; ` +
  `read -r s <"/proc/$p/stat" || continue; set -- \${s##*") "}; [ "$3" = $$ ] || { kill -KILL "$p"; k=1; }; done; ` +
  `[ -n "$k" ] || break; done; `;

/**
 * Stops the command with this process, however it dies (SIGKILL, a crash of the editor's extension
 * host), where nothing else would: the shell's stdin is a pipe whose other end only this process
 * holds, and never writes to. A watcher in the command's group (a fork of the shell, no program
 * started) reads it; the kernel closes that end when this process dies, the read ends, and the
 * watcher kills what the command started outside its group (`STRAYS_AT_DEATH`, Linux), then the
 * group. It is forked from a subshell, so the command's `wait` never waits for it; the command
 * itself then reads /dev/null as before. When the command ends, the group kill ends it too. While
 * the command runs it costs a sleeping shell, nothing more: the scan is made only at the death.
 * What it misses (the watcher killed too, `kill -9` of everything) is stopped by the next Savepoint
 * process that opens the store (`stopMarked`).
 */
const DEATH_GUARD = `( exec 3<&0; (read _ <&3; ${canFindStrays ? STRAYS_AT_DEATH : ''}kill -KILL 0) >/dev/null 2>&1 & ); exec </dev/null; `;

function shellCommand(command: string): { file: string; args: string[] } {
  if (isWindows) return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`] };
  // stderr written into the stdout pipe: two pipes are read in whatever order they fill, so an error
  // would show after output written later. On the same line, so that the shell's line numbers stay.
  return { file: '/bin/sh', args: ['-c', `exec 2>&1; ${DEATH_GUARD}${command}`] };
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

/** Combined stdout+stderr in arrival order, kept up to a cap (and its last `tailMax` bytes past it) and counted beyond. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private readonly tail: Buffer[] = [];
  private tailKept = 0;
  total = 0;

  constructor(
    private readonly max: number,
    private readonly tailMax: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.max - this.kept;
    const part = room <= 0 ? undefined : chunk.length <= room ? chunk : chunk.subarray(0, room);
    if (part) {
      this.chunks.push(part);
      this.kept += part.length;
    }
    const rest = part ? chunk.subarray(part.length) : chunk;
    if (this.tailMax > 0 && rest.length > 0) this.pushTail(rest);
  }

  /** Keeps the last `tailMax` bytes past the cap, dropping older ones. */
  private pushTail(b: Buffer): void {
    const kept = b.length > this.tailMax ? b.subarray(b.length - this.tailMax) : b;
    this.tail.push(Buffer.from(kept));
    this.tailKept += kept.length;
    while (this.tailKept > this.tailMax) {
      const first = this.tail[0] as Buffer;
      const over = this.tailKept - this.tailMax;
      if (first.length <= over) {
        this.tail.shift();
        this.tailKept -= first.length;
      } else {
        this.tail[0] = first.subarray(over);
        this.tailKept -= over;
      }
    }
  }

  bytes(): Uint8Array {
    const b = Buffer.concat(this.chunks);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  tailBytes(): Uint8Array | undefined {
    if (this.tail.length === 0) return undefined;
    const b = Buffer.concat(this.tail);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}

function abortedBeforeStart(): RunResult {
  return { exitCode: null, signal: null, timedOut: false, aborted: true, output: new Uint8Array(), outputBytes: 0, durationMs: 0 };
}

/**
 * The `ProcessRunner` port with real child processes. The command runs through `/bin/sh -c` with
 * its stderr sent into its stdout pipe (`cmd.exe /c` on Windows, two pipes), as the leader of a new
 * process group, with /dev/null for stdin and nothing to read from stdout or stderr; its group is
 * killed when this process dies, and on Linux so are the processes it started that left the group (`DEATH_GUARD`, not on Windows). When the shell exits, on timeout and on abort, the whole group is
 * killed, and so are the processes it started that left the group (`stopStrays`, Linux); the run
 * then resolves as soon as the pipes close, or after a short grace if something outside the group
 * still holds them, so a command that leaves background processes behind never hangs the agent. The command gets the runner's environment without the model credentials (see
 * `withoutCredentials`). Its output comes back with the values of the secret variables of that
 * environment (and `secrets.extra`) replaced by markers (see `SecretMask`): it goes to the model and into the store.
 */
export class NodeProcessRunner implements ProcessRunner {
  constructor(
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
    private readonly secrets: { names?: readonly string[]; extra?: readonly SecretValue[] } = {},
  ) {}

  /** The secret values of the runner's environment (and `secrets.extra`), as its commands' output is masked. */
  secretMask(): SecretMask {
    return new SecretMask(secretValues(this.baseEnv, this.secrets.names ?? DEFAULT_SECRET_NAMES, this.secrets.extra));
  }

  run(command: string, options: RunOptions): Promise<RunResult> {
    if (options.signal?.aborted) return Promise.resolve(abortedBeforeStart());
    const started = Date.now();
    const out = new OutputBuffer(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, Math.max(0, options.keepTailBytes ?? 0));
    const { file, args } = shellCommand(command);
    // Its processes that leave its group are found by this mark (`stopStrays`).
    const mark = canFindStrays ? (options.mark ?? newMark()) : undefined;
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: withoutCredentials({ ...this.baseEnv, ...options.env, ...(mark ? { [COMMAND_MARK]: mark } : {}) }),
        // stdin: the death guard's pipe (see DEATH_GUARD); the command gets /dev/null.
        stdio: [isWindows ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: !isWindows,
        windowsHide: true,
        windowsVerbatimArguments: isWindows,
      });
    } catch (e) {
      return Promise.reject(e);
    }

    // Output only flows out: the pipes are two-way sockets, so a program that finds no terminal and reads its
    // keys from stdout or stderr (vi, `read x <&2`) would wait for ever. Closing our sending side gives it end of input.
    if (!isWindows) {
      for (const pipe of [child.stdout, child.stderr]) if (pipe instanceof Socket) pipe.end();
    }
    // Never written to, nor ended: held open until the run ends (see DEATH_GUARD).
    child.stdin?.on('error', () => undefined);
    const mask = new SecretMask(secretValues({ ...this.baseEnv, ...options.env }, this.secrets.names ?? DEFAULT_SECRET_NAMES, this.secrets.extra));
    return new Supervision(child, options, out, started, mark, mask).result;
  }

  async stopMarked(mark: string): Promise<string[]> {
    return (await stopStrays(mark, undefined)).map((p) => p.name);
  }
}

/** Watches one running shell: its timer, the abort signal, its output, and the end of its group. */
class Supervision {
  readonly result: Promise<RunResult>;
  private timedOut = false;
  private aborted = false;
  private exit: { code: number | null; signal: string | null } | undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;
  /** The processes the command left outside its group, being stopped once the shell exited. */
  private strays: Promise<Stray[]> = Promise.resolve([]);
  private resolve!: (r: RunResult) => void;
  private readonly onAbort = () => {
    this.aborted = true;
    killTree(this.child);
  };

  constructor(
    private readonly child: ChildProcess,
    private readonly options: RunOptions,
    private readonly out: OutputBuffer,
    private readonly started: number,
    private readonly mark: string | undefined,
    private readonly mask: SecretMask,
  ) {
    this.result = new Promise<RunResult>((resolve, reject) => {
      this.resolve = resolve;
      child.on('error', (e) => {
        // Only a failure to start rejects; later errors (a failed kill) change nothing.
        if (this.settled || child.pid !== undefined) return;
        this.cleanup();
        reject(e);
      });
    });
    this.timer = setTimeout(() => {
      this.timedOut = true;
      killTree(child);
    }, Math.min(Math.max(options.timeoutMs, 0), MAX_TIMER_MS));
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => out.push(c));
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      // Grandchildren may still hold the pipes: end them with the group, then give the pipes a moment to drain.
      killTree(child);
      // And those that left the group (setsid, a daemon): the run ends once they are gone too.
      if (this.mark) this.strays = stopStrays(this.mark, child.pid).catch(() => []);
      this.graceTimer = setTimeout(() => this.finish(), CLOSE_GRACE_MS);
    });
    child.on('close', () => this.finish());
  }

  private cleanup(): void {
    this.settled = true;
    this.child.stdin?.destroy();
    clearTimeout(this.timer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private finish(): void {
    const exit = this.exit;
    if (this.settled || !exit) return;
    this.cleanup();
    void this.strays.then((strays) => this.settle(exit, strays));
  }

  private settle(exit: { code: number | null; signal: string | null }, strays: Stray[]): void {
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    const head = this.out.bytes();
    const rawTail = this.out.tailBytes();
    // A secret cut at the end of what is kept (or at the start of its tail) is masked too: its start alone is most of it.
    const output = this.mask.maskBytes(head, { end: this.out.total > head.length });
    const tail = rawTail && this.mask.maskBytes(rawTail, { start: true });
    this.resolve({
      exitCode: exit.code,
      signal: exit.signal,
      timedOut: this.timedOut,
      aborted: this.aborted,
      output,
      // Counted as masked: what was not kept stays `outputBytes - output.length - outputTail.length`.
      outputBytes: this.out.total - head.length - (rawTail?.length ?? 0) + output.length + (tail?.length ?? 0),
      ...(tail ? { outputTail: tail } : {}),
      ...(strays.length ? { strays: strays.map((p) => p.name) } : {}),
      durationMs: Date.now() - this.started,
    });
  }
}
