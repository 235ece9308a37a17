import type { SessionId } from '../core/store/types';
import { explainFailure } from './commands';
import { readSettings } from './settings';
import * as vscode from 'vscode';
import { shownTitle } from '../shared/notificationText';
import { notify } from './notify';
import { FolderNotOpen } from './readiness';

/** A session the restart marked interrupted, with its title (the task) to name it by. */
export interface InterruptedSession {
  id: SessionId;
  title: string;
}

/** What the restart recovery needs of the session service. */
export interface RecoveringSessions {
  sweepCrashLeftovers(): Promise<number>;
  recoverInterrupted(): Promise<InterruptedSession[]>;
  rememberLostEpisodes(): Promise<number>;
  resume(id: SessionId): Promise<void>;
}

/**
 * After a crash or a restart: sessions that were running are interrupted; offer to resume them, or to
 * show them (`show`: in the Savepoint sidebar; of several, the one the user picks). The notice names
 * them. Finished sessions whose episode a crash lost get it.
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
    const ids = interrupted.map((s) => s.id);
    log.info(`interrupted sessions: ${ids.join(', ')}`);
    if (readSettings().autoResume) return await resumeAll(service, ids, log);
    const a = await notify.warn(interruptedText(interrupted), 'Resume', 'Show');
    if (a === 'Resume') await resumeAll(service, ids, log);
    if (a !== 'Show') return;
    const chosen = interrupted.length === 1 ? interrupted[0] : await pickInterrupted(interrupted);
    if (chosen) await show(chosen.id);
  } catch (e) {
    log.warn(`restart recovery: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Names at most three of the interrupted sessions, so that the user knows which work stopped; says what Resume does, and where to resume later. */
export function interruptedText(sessions: readonly InterruptedSession[]): string {
  const names = sessions.slice(0, 3).map((s) => `"${shownTitle(s.title)}"`);
  const more = sessions.length - names.length;
  const which = more > 0 ? `${names.join(', ')} and ${more} more` : names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
  const what = sessions.length === 1 ? `the session ${which} was` : `${sessions.length} sessions were`;
  const list = sessions.length === 1 ? '' : ` (${which})`;
  // What Resume does (what will not run twice), and where to find the sessions once the notice is gone (no status bar item shows them).
  return `Savepoint: ${what} interrupted when the editor stopped${list}. Nothing is lost: Resume goes on where ${sessions.length === 1 ? 'it' : 'they'} stopped, without redoing finished steps, and asks before running again a command that was cut off. To resume later: the Savepoint sidebar, or Savepoint: Resume Session.`;
}

async function pickInterrupted(sessions: readonly InterruptedSession[]): Promise<InterruptedSession | undefined> {
  const items = sessions.map((s) => ({ label: shownTitle(s.title), description: s.id, s }));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Show which interrupted session?' }))?.s;
}

/**
 * Resumes the sessions one by one. A session whose folder is not open in this window is passed over
 * (the others are not held back by it), and one notice names those folders. The first other failure
 * (no API key, a restricted workspace...) tells the user why, with the button that fixes it, and the
 * rest wait for Resume Session.
 */
async function resumeAll(service: RecoveringSessions, ids: readonly SessionId[], log: vscode.LogOutputChannel): Promise<void> {
  const passed: FolderNotOpen[] = [];
  try {
    for (const id of ids) {
      try {
        await service.resume(id);
      } catch (e) {
        if (!(e instanceof FolderNotOpen)) {
          await explainFailure(e, log);
          return;
        }
        log.info(`session ${id} not resumed: ${e.message}`);
        passed.push(e);
      }
    }
  } finally {
    if (passed.length) void notify.warn(`Savepoint: ${notOpenText(passed)}`);
  }
}

/** Why sessions were not resumed: the folders they worked in, each named once. */
export function notOpenText(passed: readonly FolderNotOpen[]): string {
  const only = passed[0];
  if (passed.length === 1 && only) return `an interrupted session was not resumed: ${only.message}`;
  const named = [...new Set(passed.map((p) => (p.folder ? `"${p.folder.name}" (${p.folder.path})` : 'a folder not recorded')))];
  return `${passed.length} interrupted sessions were not resumed: they worked in ${named.length === 1 ? 'the folder' : 'the folders'} ${named.join(', ')}, not open in this workspace. Add ${named.length === 1 ? 'it' : 'them'} back (File: Add Folder to Workspace), then use Resume Session.`;
}
