import type * as vscode from 'vscode';
import type { SessionId } from '../core/store/types';
import { explainFailure } from './commands';
import { readSettings } from './settings';
import { notify } from './notify';

/** What the restart recovery needs of the session service. */
export interface RecoveringSessions {
  sweepCrashLeftovers(): Promise<number>;
  recoverInterrupted(): Promise<SessionId[]>;
  rememberLostEpisodes(): Promise<number>;
  resume(id: SessionId): Promise<void>;
}

/**
 * After a crash or a restart: sessions that were running are interrupted; offer to resume them, or to
 * show them (`show`: in the Savepoint sidebar). Finished sessions whose episode a crash lost get it.
 */
export async function recover(service: RecoveringSessions, statusBar: { refresh(): Promise<void> }, log: vscode.LogOutputChannel, show: (id: SessionId) => Promise<void>): Promise<void> {
  try {
    // On its own: a failure of what follows does not stop it.
    void service.sweepCrashLeftovers().catch((e: unknown) => log.warn(`clean-up after a crashed rewind: ${e instanceof Error ? e.message : String(e)}`));
    const interrupted = await service.recoverInterrupted();
    // On its own too: the editor never runs a finished session again, so this is where its lost episode is written.
    void service.rememberLostEpisodes().catch((e: unknown) => log.warn(`episodes of finished sessions: ${e instanceof Error ? e.message : String(e)}`));
    await statusBar.refresh();
    if (interrupted.length === 0) return;
    log.info(`interrupted sessions: ${interrupted.join(', ')}`);
    if (readSettings().autoResume) return await resumeAll(service, interrupted, log);
    const what = interrupted.length === 1 ? 'A session was' : `${interrupted.length} sessions were`;
    const a = await notify.warn(`Savepoint: ${what} interrupted when the editor stopped. Nothing is lost.`, 'Resume', 'Show');
    if (a === 'Resume') await resumeAll(service, interrupted, log);
    const first = interrupted[0];
    if (a === 'Show' && first) await show(first);
  } catch (e) {
    log.warn(`restart recovery: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Resumes the sessions one by one; the first that cannot (no API key, a restricted workspace...)
 * tells the user why, with the button that fixes it, and the rest wait for Resume Session.
 */
async function resumeAll(service: RecoveringSessions, ids: readonly SessionId[], log: vscode.LogOutputChannel): Promise<void> {
  for (const id of ids) {
    try {
      await service.resume(id);
    } catch (e) {
      await explainFailure(e, log);
      return;
    }
  }
}
