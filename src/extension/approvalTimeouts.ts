import * as vscode from 'vscode';
import { type ApprovalTimeout, timeoutPlan } from '../shared/approvalTimeout';
import { approvalKind } from '../core/runner/runEvents';
import type { SessionService } from './sessionService';
import { readApprovalTimeout } from './settings';
import type { StoreHost } from './storeHost';

/**
 * Applies the approval timeout to sessions that wait with nobody asking (the notification was
 * dismissed, or the editor restarted), unless their user paused them there: at the deadline, counted from the journaled request time,
 * the session is resumed and the gate answers the overdue approval with the default action.
 * One timer, for the earliest deadline; sessions that run are left to the gate's own timer.
 */
export class ApprovalTimeoutScheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly stores: StoreHost,
    private readonly sessions: SessionService,
    private readonly log: vscode.LogOutputChannel,
    private readonly timeout: () => ApprovalTimeout = readApprovalTimeout,
    private readonly now: () => number = Date.now,
  ) {
    this.subs.push(
      stores.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('savepoint.approval') && this.refresh()),
    );
  }

  /** Re-plans from the store (serialized: a refresh never overlaps the previous one). */
  refresh(): void {
    this.busy = this.busy.then(() => this.plan()).catch((e: unknown) => this.log.warn(`approval timeouts: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async plan(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const t = this.timeout();
    if (t.minutes <= 0) return;
    let next = Infinity;
    for (const s of await this.stores.listSessions()) {
      // A session its user paused at the question is theirs to resume: the timeout's default action must not run it on.
      if (s.status !== 'waiting' || !s.pendingApproval || s.pendingApproval.held || this.sessions.isRunning(s.id)) continue;
      const plan = timeoutPlan({ kind: approvalKind(s.pendingApproval.id) ?? 'tool', requestedAt: s.pendingApproval.requestedAt }, t, this.now());
      if (plan.type === 'wait') next = Math.min(next, plan.ms);
      if (plan.type !== 'decide') continue;
      this.log.info(`approval ${s.pendingApproval.id} of session ${s.id} is overdue: resuming the session to apply the timeout`);
      await this.sessions.resume(s.id).catch((e: unknown) => this.log.warn(`could not resume ${s.id} for its approval timeout: ${e instanceof Error ? e.message : String(e)}`));
    }
    if (next < Infinity) this.timer = setTimeout(() => this.refresh(), next + 250);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
