import type { ChangeCapture, TurnWatch } from '../ports/changeCapture';
import { inTurnWatched } from './capturedRun';
import type { Diagnostics } from '../ports/diagnostics';
import type { SessionId } from '../store/types';
import type { RunnerDeps } from './runner';

/**
 * A session's command waits for another session's command in its folder (`waiting`: true; `behind`:
 * that session, undefined when not known or it is a check), then runs (`waiting`: false). The live
 * notice of the sidebar's note; the wait and the turn are journaled too (CommandTurnData).
 */
export interface QueueNotice {
  type: 'queued';
  sessionId: SessionId;
  callId: string;
  behind: SessionId | undefined;
  waiting: boolean;
  /** How many more commands and checks wait before it (absent: none, it is next). */
  ahead?: number;
  /** The call's check command waits (the check after its step, get_diagnostics), not the call's command. */
  check?: true;
}

/**
 * The runner's deps with a check command (a findings source that runs processes: `markedAs`) run in
 * the folder's turn (`ChangeCapture.inTurn`): never beside another session's command, whose capture
 * would record what the check writes (a tsbuildinfo, a coverage folder) as that command's change.
 * Unchanged when the capture has no turns or the source runs nothing (the editor's problems).
 */
export function withCheckTurns(deps: RunnerDeps): RunnerDeps {
  const { capture } = deps;
  const source = deps.toolContext.diagnostics;
  if (!capture?.inTurn || !source.markedAs) return deps;
  return { ...deps, toolContext: { ...deps.toolContext, diagnostics: inTurns(source, capture as ChangeCapture & Required<Pick<ChangeCapture, 'inTurn'>>) } };
}

/** `watch`: told when a check waits for its turn, then gets it (`markedAs` gives each session's call its own). */
function inTurns(source: Diagnostics, capture: ChangeCapture & Required<Pick<ChangeCapture, 'inTurn'>>, watch?: TurnWatch): Diagnostics {
  const { collectReport, markedAs, settle, reports, prepare } = source;
  return {
    collect: (paths, signal) => inTurnWatched(capture, () => source.collect(paths, signal), signal, watch),
    ...(collectReport ? { collectReport: (paths, signal) => inTurnWatched(capture, () => collectReport.call(source, paths, signal), signal, watch) } : {}),
    ...(markedAs ? { markedAs: (mark, told) => inTurns(markedAs.call(source, mark), capture, told) } : {}),
    ...(settle ? { settle: settle.bind(source) } : {}),
    ...(reports ? { reports: reports.bind(source) } : {}),
    ...(prepare ? { prepare: (paths, signal) => inTurnWatched(capture, () => prepare.call(source, paths, signal), signal, watch) } : {}),
  };
}
