import * as vscode from 'vscode';
import { ApprovalTimeoutScheduler } from '../core/runner/approvalTimeoutScheduler';
import type { SessionService } from './sessionService';
import { readApprovalTimeout } from './settings';
import type { StoreHost } from './storeHost';

/** The approval timeout scheduler on this window's store, sessions and settings (see ApprovalTimeoutScheduler). */
export function approvalTimeouts(stores: StoreHost, sessions: SessionService, log: vscode.LogOutputChannel): ApprovalTimeoutScheduler {
  return new ApprovalTimeoutScheduler({
    sessions: { list: () => stores.listSessions(), isRunning: (id) => sessions.isRunning(id), resume: (id) => sessions.resume(id) },
    changes: [(l) => stores.onDidChange(l), (l) => vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('savepoint.approval') && l())],
    trust: { isTrusted: () => vscode.workspace.isTrusted, onDidGrant: (l) => vscode.workspace.onDidGrantWorkspaceTrust(l) },
    timeout: readApprovalTimeout,
    now: Date.now,
    log,
  });
}
