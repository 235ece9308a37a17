import { z } from 'zod';
import type { RunResult } from '../ports/processRunner';
import { asTerminalShows, keptOutput } from './commandOutput';
import { ToolError, type Tool, type ToolOutput } from './tool';
import { count } from '../util/plural';
import { decodeText, encodeText, headTail, jsonInputSchema, workspaceCall, workspacePath } from './toolSupport';

export const COMMAND_DEFAULT_TIMEOUT_MS = 120_000;
export const COMMAND_MAX_TIMEOUT_MS = 600_000;
export const COMMAND_HEAD_BYTES = 8 * 1024;
export const COMMAND_TAIL_BYTES = 8 * 1024;
/** Output kept in memory (and in `full`): its first bytes and its last ones; the rest is only counted. */
const COMMAND_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
const COMMAND_KEEP_TAIL_BYTES = 2 * 1024 * 1024;
/**
 * Nothing can answer a command: git must not open an editor (a commit without -m would wait for
 * it until the timeout) nor ask for credentials. GIT_EDITOR=true keeps the message git prepared.
 * Any other editor the user set (`code --wait`, vim) fails at once instead of waiting, so the file
 * is left as it was; pagers print their input.
 */
const COMMAND_ENV = {
  GIT_EDITOR: 'true',
  GIT_TERMINAL_PROMPT: '0',
  EDITOR: 'false',
  VISUAL: 'false',
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  MANPAGER: 'cat',
};

const schema = z.strictObject({
  command: z.string().min(1).describe('The shell command line (run with /bin/sh -c; cmd.exe on Windows).'),
  cwd: z.string().min(1).optional().describe("Workspace-relative directory to run in. Default '.' (the workspace root)."),
  timeout_ms: z
    .int()
    .min(1)
    .max(COMMAND_MAX_TIMEOUT_MS)
    .optional()
    .describe(`Kill the command after this many milliseconds. Default ${COMMAND_DEFAULT_TIMEOUT_MS}, at most ${COMMAND_MAX_TIMEOUT_MS}.`),
});

export type RunCommandInput = z.infer<typeof schema>;

/** A prompt is an unfinished line: the last line of output when it has no newline after it. */
function unansweredPrompt(shown: string): string | undefined {
  if (shown === '' || shown.endsWith('\n')) return undefined;
  const last = shown.slice(shown.lastIndexOf('\n') + 1);
  return last.trim() === '' ? undefined : last.slice(-200);
}

function statusLine(r: RunResult, timeoutMs: number, shown: string): string {
  if (r.timedOut) {
    const killed = `[Timed out after ${timeoutMs} ms; the command and its child processes were killed.]`;
    const prompt = unansweredPrompt(shown);
    if (prompt === undefined) return killed;
    return (
      `${killed}\n[Its output ends with ${JSON.stringify(prompt)}, an unfinished line as a prompt leaves: it was probably waiting for input, ` +
      'which never comes (stdin is empty). Give the answer as an option or argument, or pipe it in (`echo y | command`).]'
    );
  }
  if (r.aborted) return '[Cancelled; the command and its child processes were killed.]';
  if (r.exitCode === null) return `[Killed by signal ${r.signal ?? 'unknown'}.]`;
  return `[Exit code ${r.exitCode}.]`;
}

export const runCommandTool: Tool<RunCommandInput> = {
  name: 'run_command',
  description:
    'Run a shell command in the workspace (build, test, git, ...) and get its combined stdout and stderr and exit code. ' +
    'stdin is closed, so interactive commands cannot be answered: editors ($EDITOR, git) do not open (give commit messages with -m), ' +
    'pagers print everything, and a program that asks a question reads end of input. ' +
    'Long output is shortened to its beginning and end; colour codes and progress redraws are left out. ' +
    'Background processes started by the command are killed when it exits.',
  category: 'mutate',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input, ctx): Promise<ToolOutput> {
    const dir = await workspacePath(ctx.workspace, input.cwd ?? '.');
    const st = await workspaceCall(() => ctx.workspace.stat(dir));
    if (st === undefined) throw new ToolError('NOT_FOUND', `The directory ${dir} does not exist.`);
    if (st.type !== 'directory') throw new ToolError('INVALID_INPUT', `cwd ${dir} is not a directory.`);
    const cwd = await workspaceCall(() => ctx.workspace.resolve(dir));
    const timeoutMs = input.timeout_ms ?? COMMAND_DEFAULT_TIMEOUT_MS;
    const r = await ctx.processes.run(input.command, { cwd, timeoutMs, signal: ctx.signal, maxOutputBytes: COMMAND_MAX_OUTPUT_BYTES, keepTailBytes: COMMAND_KEEP_TAIL_BYTES, env: COMMAND_ENV });
    const kept = keptOutput(r);
    // Cut after the terminal's view: progress bars and colour codes take no room from the lines that matter.
    const shown = asTerminalShows(decodeText(kept));
    const { text, cut } = headTail(encodeText(shown), COMMAND_HEAD_BYTES, COMMAND_TAIL_BYTES);
    const parts: string[] = [];
    if (r.outputBytes === 0) parts.push('[No output.]');
    else parts.push(text.endsWith('\n') ? text.slice(0, -1) : text);
    const tail = r.outputTail?.length ?? 0;
    const lost = r.outputBytes - r.output.length - tail;
    if (lost > 0) {
      const which = tail > 0 ? `the ${lost} between its first ${r.output.length} and its last ${tail} were not kept` : `only the first ${r.output.length} were kept`;
      parts.push(`[Output was ${r.outputBytes} bytes; ${which}.]`);
    }
    parts.push(statusLine(r, timeoutMs, shown));
    // A server or daemon the model meant to keep running is gone: it should know, and not wait for it.
    if (r.strays?.length) parts.push(`[Stopped ${count(r.strays.length, 'process', 'processes')} the command had started outside its process group (setsid, a daemon): ${[...new Set(r.strays)].slice(0, 5).join(', ')}. No process outlives the command that started it.]`);
    const failed = r.timedOut || r.aborted || r.exitCode !== 0;
    return {
      content: parts.join('\n'),
      ...(failed ? { isError: true } : {}),
      ...(cut > 0 || lost > 0 ? { full: kept } : {}),
      progressed: true,
    };
  },
};
