import type * as vscode from 'vscode';
import { type AgentSettings, agentSettings, approvalTimeout, encryptAtRest, memoryEnabled, retentionPolicy, storeSettings } from '../core/settings/agentSettings';
import type { SettingsValues } from '../core/settings/settingsValues';
import type { RetentionPolicy } from '../core/store/types';
import type { ApprovalTimeout } from '../shared/approvalTimeout';
import { SettingsReader } from './settingsReader';

export type { AgentSettings } from '../core/settings/agentSettings';

/**
 * Reads with a fresh reader, then tells the user about the values not used (once per value).
 * `folder`: the workspace folder the session works in (see SettingsReader); without one, no
 * folder's own settings choose, and every folder's can make a safeguard stricter.
 */
function read<T>(f: (r: SettingsValues) => T, folder?: vscode.WorkspaceFolder): T {
  const r = new SettingsReader(folder);
  const out = f(r);
  r.report();
  return out;
}

/**
 * The `savepoint.*` settings as the core wants them (see `agentSettings`: what a workspace's
 * settings may set, and what falls back to its default with a word to the user).
 */
export const readSettings = (folder?: vscode.WorkspaceFolder): AgentSettings => read(agentSettings, folder);

/** `savepoint.store.*`, read when the store opens. */
export const readStoreSettings = (): { syncWrites: boolean; snapshotEvery: number; encryptAtRest: boolean } => read(storeSettings);

/** `savepoint.store.encryptAtRest` alone (the capture log and long-term memory ask when they open). */
export const readEncryptAtRest = (): boolean => read(encryptAtRest);

/** `savepoint.memory.enabled`. */
export const readMemoryEnabled = (): boolean => read(memoryEnabled);

/** `savepoint.approval.timeoutMinutes` and `.timeoutAction`; read on every ask, so a change applies to waiting approvals too. */
export const readApprovalTimeout = (): ApprovalTimeout => read(approvalTimeout);

/** `savepoint.retention.*`, read when the store's housekeeping runs (after the restart recovery). */
export const readRetention = (): RetentionPolicy => read(retentionPolicy);
