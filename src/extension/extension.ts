import { posix } from 'node:path';
import { SessionFolders } from '../shared/sessionFolder';
import * as vscode from 'vscode';
import { approvalTimeouts } from './approvalTimeouts';
import { CheckCommandConsent } from './checkCommandConsent';
import { BLOB_SCHEME, BlobContentProvider } from './blobContentProvider';
import { PROPOSED_SCHEME, ProposedChanges } from './proposedChanges';
import { registerCheckpointCommands } from './checkpointCommands';
import { registerCommands, sessionPicker } from './commands';
import { MemoryViewProvider } from './memoryView';
import { NotificationApprovalGate } from './notificationApprovalGate';
import { SESSION_SCHEME, SessionDocumentProvider } from './sessionDocument';
import { SessionService } from './sessionService';
import { SessionsViewProvider } from './sessionsViewProvider';
import { ApprovalStatusBar } from './statusBar';
import { StoreHost } from './storeHost';
import { count } from '../core/util/plural';
import { recover } from './recovery';
import { rememberChoicesIn } from './settingsReader';
import type { SessionId } from '../core/store/types';
import { notify } from './notify';
import { unsavedUnder } from './unsavedEditors';
import { tellOutcome } from './outcomeNotices';

let sessions: SessionService | undefined;
let stores: StoreHost | undefined;

/** The composition root: everything is built and wired here, and disposed through the context. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Savepoint', { log: true });
  context.subscriptions.push(log);
  rememberChoicesIn(context.workspaceState);
  const host = new StoreHost(context, log);
  stores = host;
  const proposed = new ProposedChanges();
  // A question names its session: several can wait at once, and "allow the agent to run npm test?" alone does not say which.
  const titleOf = async (id: string) => (await (await host.get()).store?.getSession(id as SessionId))?.title;
  // A file change asked about while the file has unsaved changes in an editor says so.
  const unsavedOf = (id: string, path: string): boolean => {
    try {
      return unsavedUnder(service.folderOf(id as SessionId).uri).includes(posix.normalize(path).replace(/^\.\//, ''));
    } catch {
      return false;
    }
  };
  const gate = new NotificationApprovalGate(log, undefined, undefined, proposed, titleOf, unsavedOf);
  const service = new SessionService(host, context.secrets, gate, log, context.extensionUri.fsPath, new CheckCommandConsent(context.workspaceState));
  gate.lateAnswers = (r, answer) => service.answerLate(r, answer);
  gate.lateRefusal = (r) => service.lateRefusal(r);
  service.folders = new SessionFolders(context.workspaceState, () => (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name, path: f.uri.fsPath })));
  sessions = service;
  const documents = new SessionDocumentProvider(host);
  const statusBar = new ApprovalStatusBar(host, (id) => service.isRunning(id as SessionId));
  const view = new SessionsViewProvider(context.extensionUri, host, log, service.onDidNotice, (id) => service.isRunning(id as SessionId), (id) => service.folders?.nameOf(id));
  const timeouts = approvalTimeouts(host, service, log);
  const outcomes = service.onDidEndRun((e) => void tellOutcome({ titleOf, show: (id) => view.reveal(id), resume: (id) => service.resume(id), log }, e.sessionId, e.end));
  const memoryView = new MemoryViewProvider(host);
  context.subscriptions.push(
    memoryView,
    documents,
    ...memoryView.register(),
    { dispose: () => void host.dispose() },
    service,
    statusBar,
    view,
    timeouts,
    outcomes,
    vscode.window.registerWebviewViewProvider(SessionsViewProvider.viewId, view),
    vscode.workspace.registerTextDocumentContentProvider(SESSION_SCHEME, documents),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    host.onDidChange(() => void statusBar.refresh()),
    vscode.commands.registerCommand('savepoint.showLogs', () => log.show()),
    vscode.commands.registerCommand('savepoint.showStoreInfo', async () => {
      const state = await host.get();
      if (!state.store) {
        void notify.error(`Savepoint: ${state.error ?? 'the session store is not open.'}`, 'Show Logs').then((a) => a && log.show());
        return;
      }
      const list = await host.listSessions();
      const mode = state.readOnly ? 'read-only (another window holds it)' : 'read-write';
      void notify.info(`Savepoint: ${count(list.length, 'session')}, store ${mode} at ${state.store.dir}`);
    }),
    ...registerCommands({ context, stores: host, sessions: service, documents, log, reveal: (id) => view.reveal(id) }),
    vscode.workspace.registerTextDocumentContentProvider(BLOB_SCHEME, new BlobContentProvider(host)),
    ...registerCheckpointCommands({ stores: host, sessions: service, pickSession: sessionPicker(host), log }),
  );
  log.info(`Savepoint ${String(context.extension.packageJSON.version)} activated`);
  const start = () => recover(service, statusBar, log, (id) => view.reveal(id)).then(() => {
    void timeouts.refresh();
    // Deleted sessions' folders are forgotten, as the Delete Session command does.
    void host.tidy((id) => service.isRunning(id)).then((ids) => Promise.all(ids.map((id) => service.folders?.forget(id))));
    // Index long-term memory in the background, so that the first session does not wait for it.
    void host.memory();
  });
  void start();
  // A window that shows the sessions read-only takes the store over when the user comes back to it
  // after closing the window that held it; then what a window does at start with its store is due.
  context.subscriptions.push(
    vscode.window.onDidChangeWindowState((w) => {
      if (w.focused) void host.takeOver();
    }),
    host.onDidTakeOver(() => void start()),
  );
}

/** Pauses running sessions at a checkpoint (bounded), then closes the store. */
export async function deactivate(): Promise<void> {
  await sessions?.drain(3000);
  await stores?.dispose();
  sessions = undefined;
  stores = undefined;
}
