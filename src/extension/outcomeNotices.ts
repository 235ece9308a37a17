import type * as vscode from 'vscode';
import type { SessionId } from '../core/store/types';
import { type RunEnd, outcomeNotice } from '../shared/outcomeNotice';
import { explainFailure } from './commands';
import { notify } from './notify';

interface Deps {
  /** The session's title, to name it (undefined: not named). */
  titleOf: (id: SessionId) => Promise<string | undefined>;
  /** Shows the session in the Savepoint sidebar. */
  show: (id: SessionId) => Promise<void>;
  resume: (id: SessionId) => Promise<void>;
  log: vscode.LogOutputChannel;
}

/** Tells the user how a run ended (`outcomeNotice`), naming its session, and does what they click. */
export async function tellOutcome(d: Deps, sessionId: SessionId, end: RunEnd): Promise<void> {
  const title = await d.titleOf(sessionId).catch(() => undefined);
  const n = outcomeNotice(end, title);
  if (!n) return;
  const a = await (n.level === 'info' ? notify.info : notify.error)(n.text, ...n.actions);
  try {
    if (a === 'Show') await d.show(sessionId);
    if (a === 'Resume') await d.resume(sessionId);
    if (a === 'Show Logs') d.log.show();
  } catch (e) {
    await explainFailure(e, d.log);
  }
}
