import type { ChangeCapture } from '../ports/changeCapture';
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

function inTurns(source: Diagnostics, capture: ChangeCapture & Required<Pick<ChangeCapture, 'inTurn'>>): Diagnostics {
  const { collectReport, markedAs, settle, reports, prepare } = source;
  return {
    collect: (paths, signal) => capture.inTurn(() => source.collect(paths, signal), signal),
    ...(collectReport ? { collectReport: (paths, signal) => capture.inTurn(() => collectReport.call(source, paths, signal), signal) } : {}),
    ...(markedAs ? { markedAs: (mark) => inTurns(markedAs.call(source, mark), capture) } : {}),
    ...(settle ? { settle: settle.bind(source) } : {}),
    ...(reports ? { reports: reports.bind(source) } : {}),
    ...(prepare ? { prepare: (paths, signal) => capture.inTurn(() => prepare.call(source, paths, signal), signal) } : {}),
  };
}
