import * as vscode from 'vscode';
import type { DiskCheckpointStore } from '../core/store/openStore';
import { newSessionFolders } from '../shared/diskFolders';
import { readSettings } from './settings';
import type { StoreHost } from './storeHost';

export const API_KEY_SECRET = 'savepoint.anthropicApiKey';

/** Why a session cannot run here, in words for the user, with the action that fixes it. */
export class NotReady extends Error {
  constructor(
    message: string,
    readonly action?: { title: string; command: string },
  ) {
    super(message);
  }
}

/** The session's folder is not open in this window: this session waits for it, others can run. `folder`: its name and path, when recorded. */
export class FolderNotOpen extends NotReady {
  constructor(
    message: string,
    readonly folder?: { name: string; path: string },
  ) {
    super(message);
  }
}

/** The path of a workspace folder on disk; NotReady without one, or for a folder that is not on disk (saying so). */
export function rootOf(folder: vscode.WorkspaceFolder | undefined): string {
  if (!folder) throw new NotReady('Open a folder first: the agent works inside a workspace folder.', { title: 'Open Folder', command: 'vscode.openFolder' });
  const refusal = newSessionFolders([{ name: folder.name, scheme: folder.uri.scheme }]).refusal;
  if (refusal !== undefined) throw new NotReady(refusal);
  return folder.uri.fsPath;
}

/**
 * What a run needs of the window, checked in the order a user fixes them: the workspace trusted (when
 * it runs the agent: `needsModel`), the session store open and writable here, and an API key (or an
 * endpoint of the user's own). Throws NotReady saying which is missing, with the action that fixes it.
 */
export async function readyToRun(stores: Pick<StoreHost, 'writable'>, secrets: vscode.SecretStorage, needsModel: boolean): Promise<{ store: DiskCheckpointStore; apiKey: string }> {
  if (needsModel && !vscode.workspace.isTrusted) throw new NotReady('Savepoint does not run the agent or its tools in a restricted workspace; its sessions are shown only. Trust the workspace to run them.', { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' });
  // The window that held the store may have closed since: then this one takes it over and goes on.
  const state = await stores.writable();
  if (!state.store) throw new NotReady(state.error ?? 'The session store is not available.', { title: 'Show Logs', command: 'savepoint.showLogs' });
  if (state.readOnly) throw new NotReady(READ_ONLY_HERE);
  const apiKey = (await secrets.get(API_KEY_SECRET)) ?? process.env.ANTHROPIC_API_KEY ?? '';
  if (needsModel && !apiKey && !readSettings().baseUrl) throw new NotReady('Set your Anthropic API key first (it is kept in VS Code\'s secret storage).', { title: 'Set API Key', command: 'savepoint.setApiKey' });
  return { store: state.store, apiKey };
}

/** Why a window cannot change the sessions it shows read-only, and what to do (`StoreHost.takeOver`). */
export const READ_ONLY_HERE = "Another window is using this workspace's sessions; they are shown read-only here. To work with them here, close that window: this one takes them over when you come back to it.";
