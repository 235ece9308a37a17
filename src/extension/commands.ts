import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { SessionId, SessionSummary } from '../core/store/types';
import { SessionDocumentProvider } from './sessionDocument';
import type { SessionService } from './sessionService';
import { newSessionFolders } from '../shared/diskFolders';
import { API_KEY_SECRET, NotReady } from './readiness';
import type { StoreHost } from './storeHost';
import { notify } from './notify';
import { usd } from '../shared/money';
import { shownTitle } from '../shared/notificationText';
import { sessionChoices } from '../core/store/sessionChoices';
import { readEncryptAtRest } from './settings';
import { exportTarget } from '../core/util/exportTarget';
import { askText } from './longText';
import { exportedWords, writeSessionExport } from '../core/store/sessionExport';
import { inOnePiece, writeInPieces } from '../core/node/piecewiseFile';
import { ImportError, type ImportResult, exportText, importSession, importedWords, parseExport } from '../core/store/sessionImport';

interface Deps {
  context: vscode.ExtensionContext;
  stores: StoreHost;
  sessions: SessionService;
  documents: SessionDocumentProvider;
  log: vscode.LogOutputChannel;
  /** Shows the Savepoint sidebar with the session open. */
  reveal: (id: SessionId) => Promise<void>;
}

const STATUS_ICON: Record<string, string> = { running: 'sync', waiting: 'bell', interrupted: 'debug-disconnect', paused: 'debug-pause', failed: 'error', completed: 'check' };

/** A quick pick over all sessions (newest first). */
export const sessionPicker = (stores: StoreHost) => (placeHolder: string) => pick({ stores } as Deps, placeHolder, () => true);

async function pick(d: Pick<Deps, 'stores'>, placeHolder: string, filter: (s: SessionSummary) => boolean): Promise<SessionId | undefined> {
  const choices = await sessionChoices(d.stores, filter);
  if ('none' in choices) {
    // The sessions of a store that did not open are not gone: say why they cannot be listed.
    if (choices.none === 'closed') throw new NotReady(`${choices.error} Its sessions cannot be listed.`, { title: 'Show Logs', command: 'savepoint.showLogs' });
    void notify.info(choices.none === 'empty' ? 'Savepoint: this workspace has no session yet. Start one with Savepoint: New Session.' : 'Savepoint: no session to choose from.');
    return undefined;
  }
  const list = choices.sessions;
  const item = await vscode.window.showQuickPick(
    list.map((s) => ({ label: `$(${STATUS_ICON[s.status] ?? 'circle'}) ${s.title}`, description: `${s.status} · ${s.stepCount} steps · ${usd(s.costUsd)}${s.parent ? ' since the fork' : ''}`, detail: s.pendingApproval ? `waiting: ${s.pendingApproval.summary}` : new Date(s.updatedAt).toLocaleString(), id: s.id })),
    { placeHolder, matchOnDescription: true },
  );
  return item?.id;
}

/** Tells the user why something they asked for did not happen: NotReady as a warning with its fixing action, anything else as an error (logged). */
export async function explainFailure(e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  if (e instanceof NotReady) {
    const actions = e.action ? [e.action.title] : [];
    const a = await notify.warn(`Savepoint: ${e.message}`, ...actions);
    if (a && e.action) await vscode.commands.executeCommand(e.action.command);
    return;
  }
  log.error(`command failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  void notify.error(`Savepoint: ${e instanceof Error ? e.message : String(e)}`);
}

/** Runs a command body, turning NotReady into a message with its fixing action. */
function guarded(d: Deps, body: (...args: unknown[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    try {
      await body(...args);
    } catch (e) {
      await explainFailure(e, d.log);
    }
  };
}

/** Which of the workspace's folders on disk a new session works in (`leftOut`: the open ones not offered); undefined when the user dismisses the question. */
async function pickFolder(open: readonly vscode.WorkspaceFolder[], leftOut: string | undefined, title = 'Savepoint: New Session', question = 'Which folder should the agent work in? It reads, writes and runs commands there only.'): Promise<vscode.WorkspaceFolder | undefined> {
  const items = open.map((f) => ({ label: f.name, detail: f.uri.fsPath, f }));
  const placeHolder = `${question}${leftOut ? ` ${leftOut}` : ''}`;
  return (await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true }))?.f;
}

/** ` ("<title>")`, to name a session in a question (given by id from the sidebar, a keybinding...: the user sees which); empty when unknown. */
async function named(d: Pick<Deps, 'stores'>, id: SessionId): Promise<string> {
  const title = await (await d.stores.get()).store?.getSession(id).then((s) => s?.title, () => undefined);
  return title ? ` ("${shownTitle(title)}")` : '';
}

/** The import of an export's text; a session there already is imported as a new one if the user says so (undefined when not). */
async function importFrom(store: Parameters<typeof importSession>[0], text: string): Promise<ImportResult | undefined> {
  try {
    const doc = parseExport(text);
    try {
      return await importSession(store, doc);
    } catch (e) {
      if (!ImportError.is(e, 'EXISTS')) throw e;
      const again = await notify.warn(`This workspace has the session "${shownTitle(doc.session.title)}" already. Import it again as a new session, beside it?`, { modal: true }, 'Import as New');
      return again ? await importSession(store, doc, { asNew: true }) : undefined;
    }
  } catch (e) {
    throw ImportError.is(e, 'INVALID') ? new Error(`${e.message}; nothing was imported.`) : e;
  }
}

const idArg = (a: unknown): SessionId | undefined => (typeof a === 'string' && a ? (a as SessionId) : undefined);
const unfinished = (s: SessionSummary) => s.status !== 'completed';

export function registerCommands(d: Deps): vscode.Disposable[] {
  const reg = (id: string, body: (...args: unknown[]) => Promise<unknown>) => vscode.commands.registerCommand(id, guarded(d, body));
  return [
    reg('savepoint.newSession', async (task?: unknown) => {
      // Said before the task is asked for: a workspace with no folder on disk has nowhere to run it.
      const open = vscode.workspace.workspaceFolders ?? [];
      const where = newSessionFolders(open.map((f) => ({ name: f.name, scheme: f.uri.scheme, f })));
      if (where.refusal !== undefined) throw new NotReady(where.refusal);
      // What else stops a session (a restricted workspace, the store, no API key...) is said before the task is typed, not after.
      if (typeof task !== 'string') await d.sessions.canStart();
      // With several folders on disk, the user says which one the agent works in (it stays there for
      // good), before typing the task: a question dismissed then loses nothing typed.
      const usable = where.usable.map((u) => u.f);
      const folder = usable.length > 1 ? await pickFolder(usable, where.leftOut) : usable[0];
      if (usable.length > 1 && !folder) return void notify.info('Savepoint: no folder chosen, so no session was started.');
      const text = typeof task === 'string' ? task : await askText({ title: 'Savepoint: New Session', prompt: 'What should the agent do?', placeHolder: 'e.g. Add input validation to src/parser.ts and a test for it', ignoreFocusOut: true, what: 'the task', send: 'Start Session', fileName: 'Savepoint task', again: 'run Savepoint: New Session again' });
      if (!text?.trim()) return;
      const id = await d.sessions.start(text.trim(), folder);
      // Its live timeline is in the sidebar (the palette's Show Session opens the text document).
      void notify.info(`Savepoint: session started${open.length > 1 && folder ? ` in the folder "${folder.name}"` : ''}.`, 'Show Session').then((a) => a && d.reveal(id));
    }),
    reg('savepoint.resumeSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Resume which session?', (s) => unfinished(s) && !d.sessions.isRunning(s.id)));
      if (id) await d.sessions.resume(id);
    }),
    reg('savepoint.answerApprovals', async () => {
      const id = await pick(d, 'Which session waits for you?', (s) => s.status === 'waiting');
      if (id) await d.sessions.resume(id);
    }),
    reg('savepoint.pauseSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Pause which session?', (s) => d.sessions.isRunning(s.id)));
      if (id && !d.sessions.pause(id)) void notify.info('Savepoint: that session is not running.');
    }),
    reg('savepoint.cancelSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Cancel which session?', unfinished));
      if (!id) return;
      const ok = await notify.warn(`Cancel this session${await named(d, id)}? Its checkpoints are kept; you can retry it later.`, { modal: true }, 'Cancel Session');
      if (ok) await d.sessions.cancel(id);
    }),
    reg('savepoint.showSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Show which session?', () => true));
      if (!id) return;
      // The editor keeps the names of the documents it opened in plain files (its history): with encryption at rest, not the title (the task).
      const title = readEncryptAtRest() ? undefined : (await (await d.stores.get()).store?.getSession(id))?.title;
      const uri = SessionDocumentProvider.uri(id, title);
      d.documents.refresh(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    // A call's input and result in full (the sidebar shows them cut), with the whole output when the model got it cut.
    reg('savepoint.showCall', async (arg?: unknown, callArg?: unknown) => {
      const id = idArg(arg);
      if (!id || typeof callArg !== 'string' || !callArg) return void notify.warn('Savepoint: Show Call is opened from a call in the Savepoint sidebar (its Open in Editor button).');
      const doc = await vscode.workspace.openTextDocument(SessionDocumentProvider.callUri(id, callArg));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    reg('savepoint.deleteSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Delete which session?', (s) => !d.sessions.isRunning(s.id)));
      if (!id) return;
      // Given by id (a keybinding, another extension): the picker's filter did not see it.
      if (d.sessions.isRunning(id)) return void notify.warn('Savepoint: that session is running (or asking you something); pause or cancel it first, then delete it. Nothing was deleted.');
      const ok = await notify.warn(`Delete this session${await named(d, id)} and its checkpoints? Files in your workspace are not touched.`, { modal: true }, 'Delete');
      if (!ok) return;
      const { store } = await d.stores.get();
      await d.sessions.removeCrashLeftovers(id);
      await store?.deleteSession(id, 'deleted by the user');
      await d.sessions.folders?.forget(id);
      d.stores.notifyChanged();
    }),
    reg('savepoint.exportSession', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Export which session?', () => true));
      const { store, error } = await d.stores.get();
      if (!id) return;
      if (!store) throw new NotReady(`${error ?? 'The session store is not open.'} The session cannot be exported.`, { title: 'Show Logs', command: 'savepoint.showLogs' });
      const folder = d.sessions.folderIfOpen(id) ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(exportTarget(id, folder?.uri.fsPath, homedir())), filters: { JSON: ['json'] } });
      if (!target) return;
      // Written as it is read, whole or not at all; a folder that is not on this machine's disk gets the document in one piece.
      const summary =
        target.scheme === 'file'
          ? await writeInPieces(target.fsPath, (sink) => writeSessionExport(store, id, sink), { replace: true })
          : await inOnePiece((sink) => writeSessionExport(store, id, sink), (text) => vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text)));
      // The store is encrypted at rest, the file the user asked for is not: said, not refused.
      void notify.info(`Savepoint: ${exportedWords(summary)}${readEncryptAtRest() ? '; the file is not encrypted' : ''}.`);
    }),
    reg('savepoint.importSession', async () => {
      const { store, error } = await d.stores.get();
      if (!store) throw new NotReady(`${error ?? 'The session store is not open.'} No session can be imported.`, { title: 'Show Logs', command: 'savepoint.showLogs' });
      const [file] = (await vscode.window.showOpenDialog({ title: 'Savepoint: Import Session', openLabel: 'Import', canSelectMany: false, filters: { JSON: ['json'] } })) ?? [];
      if (!file) return;
      // With several folders on disk, the user says which one holds the session's files, as for a new session: its rewinds and a resume work there.
      const where = newSessionFolders((vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, scheme: f.uri.scheme, f })));
      const usable = where.usable.map((u) => u.f);
      const folder = usable.length > 1 ? await pickFolder(usable, where.leftOut, 'Savepoint: Import Session', "Which folder are the session's files in? Its rewinds and a resume work there only.") : undefined;
      if (usable.length > 1 && !folder) return void notify.info('Savepoint: no folder chosen, so nothing was imported.');
      const r = await importFrom(store, exportText(await vscode.workspace.fs.readFile(file)));
      if (!r) return;
      if (folder) await d.sessions.folders?.record(r.session.id, { uri: folder.uri.toString(), name: folder.name, path: folder.uri.fsPath });
      d.stores.notifyChanged();
      const into = folder ? ` into the folder "${d.sessions.folderOf(r.session.id).name}"` : '';
      void notify.info(`Savepoint: imported session "${shownTitle(r.session.title)}"${into}: ${importedWords(r)}${r.askedAgain ? ' (resume it to answer)' : ''}.`);
    }),
    reg('savepoint.undoCompaction', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Undo the latest compaction of which session?', (s) => !d.sessions.isRunning(s.id)));
      if (!id) return;
      const ok = await notify.warn('Put back the messages the latest compaction summarized? The next request will be larger again.', { modal: true }, 'Undo Compaction');
      if (!ok) return;
      const r = await d.sessions.undoCompaction(id);
      void notify.info(`Savepoint: ${r.restored} messages restored (${r.compactionId}).`);
    }),
    reg('savepoint.pinFact', async (arg?: unknown) => {
      const id = idArg(arg) ?? (await pick(d, 'Pin a fact in which session?', (s) => !d.sessions.isRunning(s.id)));
      if (!id) return;
      const fact = await vscode.window.showInputBox({ title: 'Savepoint: Pin Fact', prompt: 'Sent verbatim with every later request of this session, whatever is compacted', placeHolder: 'e.g. Never edit files under vendor/', ignoreFocusOut: true });
      if (!fact?.trim()) return;
      await d.sessions.pinFact(id, fact);
      void notify.info('Savepoint: fact pinned.');
    }),
    reg('savepoint.setApiKey', async () => {
      const key = await vscode.window.showInputBox({ title: 'Anthropic API key', prompt: 'Kept in VS Code\'s secret storage, never in settings or checkpoints. Leave empty to remove it.', password: true, ignoreFocusOut: true });
      if (key === undefined) return;
      if (key.trim()) await d.context.secrets.store(API_KEY_SECRET, key.trim());
      else await d.context.secrets.delete(API_KEY_SECRET);
      void notify.info(key.trim() ? 'Savepoint: API key saved.' : 'Savepoint: API key removed.');
    }),
  ];
}
