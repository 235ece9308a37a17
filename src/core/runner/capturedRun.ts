import type { CaptureMark, ChangeCapture, FileChangeSet, TurnWatch } from '../ports/changeCapture';
import type { ToolOutput } from '../tools/tool';
import type { SessionId } from '../store/types';
import type { CommandTurnData } from './commandTurnEvent';
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
  // The wait's record (journaled while the turn is awaited): settled before anything else is journaled or run.
  let told: Promise<void> | undefined;
  try {
    mark = await capture.begin(label, signal, queue && ((behind, ahead) => void (told = Promise.resolve(queue.waiting(behind, ahead))).catch(() => undefined)));
  } catch (e) {
    await told;
    // Paused or cancelled while it waited for another session's command: never run.
    if (signal?.aborted) return { out: { content: NOT_RUN, isError: true } };
    return { out: unrecorded(await run(), why(e)) };
  }
  if (told) {
    try {
      await told;
      // Its turn, journaled before it runs: a crash before this line leaves a command that never ran.
      await queue?.running();
    } catch (e) {
      await capture.end(mark).catch(() => undefined);
      throw e;
    }
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
export type QueueWatch = TurnWatch;

/** `run` in the folder's turn (`ChangeCapture.inTurn`: a check command), its wait and its turn told to `watch` as a command's are (`captured`). */
export async function inTurnWatched<T>(capture: Required<Pick<ChangeCapture, 'inTurn'>>, run: () => Promise<T>, signal?: AbortSignal, watch?: QueueWatch): Promise<T> {
  let told: Promise<void> | undefined;
  const waits = watch && ((behind: string | undefined, ahead: number) => void (told = Promise.resolve(watch.waiting(behind, ahead))).catch(() => undefined));
  try {
    return await capture.inTurn(async () => {
      if (told) await told.then(() => watch?.running());
      return run();
    }, signal, waits);
  } finally {
    // Stopped while it waited: its record is in before anything after it.
    await told?.catch(() => undefined);
  }
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

/**
 * The notices of the call `callId` of session `sessionId` while its command waits for its turn (see
 * QueueNotice), and its records (`journal`: the wait, then the turn, see CommandTurnData). `check`: the wait is of a check command's.
 */
export function queueNotices(deps: Pick<RunnerDeps, 'onEvent' | 'probe'>, sessionId: SessionId, callId: string, journal: (data: CommandTurnData) => Promise<unknown>, check?: true): QueueWatch {
  const of = check ? { check } : {};
  const say = deps.onEvent;
  let behind: SessionId | undefined;
  return {
    waiting: async (label, ahead = 0) => {
      // A label is `session/call` (captureLabel).
      behind = label === undefined ? undefined : (label.slice(0, label.indexOf('/')) as SessionId) || undefined;
      const more = ahead > 0 ? { ahead } : {};
      say?.({ type: 'queued', sessionId, callId, behind, waiting: true, ...more, ...of });
      await journal({ callId, waiting: true, ...(behind !== undefined ? { behind } : {}), ...more, ...of });
      deps.probe?.('queued:command');
    },
    running: async () => {
      await journal({ callId, waiting: false, ...of });
      say?.({ type: 'queued', sessionId, callId, behind, waiting: false, ...of });
    },
  };
}
