import * as vscode from 'vscode';
import { SessionsViewProvider } from './sessionsViewProvider';
import { StoreHost } from './storeHost';

let stores: StoreHost | undefined;

/** The composition root: everything is built and wired here, and disposed through the context. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Savepoint', { log: true });
  context.subscriptions.push(log);
  stores = new StoreHost(context, log);
  const host = stores;
  context.subscriptions.push({ dispose: () => void host.dispose() });

  const sessions = new SessionsViewProvider(context.extensionUri, host, log);
  context.subscriptions.push(sessions, vscode.window.registerWebviewViewProvider(SessionsViewProvider.viewId, sessions));

  context.subscriptions.push(
    vscode.commands.registerCommand('savepoint.showLogs', () => log.show()),
    vscode.commands.registerCommand('savepoint.showStoreInfo', async () => {
      const state = await host.get();
      if (!state.store) {
        void vscode.window.showErrorMessage(`Savepoint: ${state.error ?? 'the session store is not open.'}`, 'Show Logs').then((a) => a && log.show());
        return;
      }
      const list = await host.listSessions();
      const mode = state.readOnly ? 'read-only (another window holds it)' : 'read-write';
      void vscode.window.showInformationMessage(`Savepoint: ${list.length} session(s), store ${mode} at ${state.store.dir}`);
    }),
  );
  log.info(`Savepoint ${String(context.extension.packageJSON.version)} activated`);
}

/** Closes the store (flushing LevelDB) within VS Code's deactivation time. */
export async function deactivate(): Promise<void> {
  await stores?.dispose();
  stores = undefined;
}
