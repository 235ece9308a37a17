import type { CaptureMark, ChangeCapture, FileChangeSet } from '../ports/changeCapture';
import type { ToolOutput } from '../tools/tool';
import type { SessionId } from '../store/types';
import type { RunnerDeps } from './runner';

/**
 * Runs a tool with the change capture around it (given for a tool that may change files outside
 * the file tools: a command). A capture that cannot begin or end (disposed; or, without
 * SerialCapture in front, another session's open) leaves the command unrecorded, said in its
 * result, never silently. A tool that throws closes its capture: an open one would hold back every
 * later command's. `signal` stops the wait for another session's command (the command is then not
 * run, and its result says so). `label` names the call (see ChangeCapture.begin: what a crash cut off is found by it).
 */
export async function captured(capture: ChangeCapture | undefined, run: () => Promise<ToolOutput>, label?: string, signal?: AbortSignal, queue?: QueueWatch): Promise<{ out: ToolOutput; set?: FileChangeSet }> {
  if (!capture) return { out: await run() };
  const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let mark: CaptureMark;
  let waited = false;
  try {
    mark = await capture.begin(label, signal, queue && ((behind) => ((waited = true), queue.waiting(behind))));
    if (waited) queue?.running();
  } catch (e) {
    // Paused or cancelled while it waited for another session's command: never run.
    if (signal?.aborted) return { out: { content: NOT_RUN, isError: true } };
    return { out: unrecorded(await run(), why(e)) };
  }
  let out: ToolOutput;
  try {
    out = await run();
  } catch (e) {
    await capture.end(mark).catch(() => undefined);
    throw e;
  }
  let set: FileChangeSet;
  try {
    set = await capture.end(mark);
  } catch (e) {
    return { out: unrecorded(out, why(e)) };
  }
  return { out: set.unnamed?.length ? withUnnamed(out, set.unnamed) : out, set };
}

/** Told when a command has to wait for its turn (another session's command runs: its capture's label), and when it then runs. */
export interface QueueWatch {
  waiting(behind: string | undefined): void;
  running(): void;
}

/** Files a command changed that no path reaches (names not UTF-8): said, since they are in no record and no rewind. */
function withUnnamed(out: ToolOutput, names: readonly string[]): ToolOutput {
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, and ${names.length - 10} more` : '');
  const them = names.length === 1 ? 'it' : 'them';
  return {
    ...out,
    content: `${out.content}\n[not recorded: ${shown}: ${names.length === 1 ? 'its name is' : 'their names are'} not valid UTF-8 (shown with \uFFFD for each byte that is not), so a rewind neither restores nor removes ${them}; rename ${them} to UTF-8 to have ${them} recorded]`,
  };
}

const NOT_RUN = 'The command was not run: the session was paused or cancelled while the command waited for another session\'s command in this folder to finish (one command runs at a time). Run it again if it is still needed.';

const unrecorded = (out: ToolOutput, why: string): ToolOutput => ({ ...out, content: `${out.content}\n[the files this command changed were not recorded: ${why}]` });

/** The notices of the call `callId` of session `sessionId` while its command waits for its turn (see QueueNotice). */
export function queueNotices(deps: Pick<RunnerDeps, 'onEvent'>, sessionId: SessionId, callId: string): QueueWatch | undefined {
  const say = deps.onEvent;
  if (!say) return undefined;
  let behind: SessionId | undefined;
  return {
    waiting: (label) => {
      // A label is `session/call` (captureLabel).
      behind = label === undefined ? undefined : (label.slice(0, label.indexOf('/')) as SessionId) || undefined;
      say({ type: 'queued', sessionId, callId, behind, waiting: true });
    },
    running: () => say({ type: 'queued', sessionId, callId, behind, waiting: false }),
  };
}
