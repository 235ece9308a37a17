import { type ApprovalTimeout, timeoutPlan } from '../../shared/approvalTimeout';
import type { SessionId, SessionSummary } from '../store/types';
import { approvalKind } from './runEvents';

/** An editor event as VS Code shapes one: subscribe with a listener, dispose to stop. */
export type ChangeEvent = (listener: () => unknown) => { dispose(): void };

/** What the scheduler needs from the editor: the sessions, the settings, a log and what makes it plan again. */
export interface ApprovalTimeoutPorts {
  sessions: {
    list(): Promise<SessionSummary[]>;
    isRunning(id: SessionId): boolean;
    /** Runs the session on: its gate answers the overdue approval with the default action. May throw (it cannot run here). */
    resume(id: SessionId): Promise<void>;
  };
  /**
   * Whether the workspace is trusted: a restricted one runs no session, so no deadline is applied
   * there (its resume would only fail); `onDidGrant` fires when the user trusts it, and the waits
   * are planned again at once, as in a trusted workspace (an approval overdue by then is decided).
   */
  trust: { isTrusted(): boolean; onDidGrant: ChangeEvent };
  /** Changes after which the deadlines are planned again: the store's, the approval settings'. */
  changes: readonly ChangeEvent[];
  /** The approval timeout as the settings say now (read at every plan). */
  timeout(): ApprovalTimeout;
  now(): number;
  log: { info(message: string): void; warn(message: string): void };
}

/**
 * Applies the approval timeout to sessions that wait with nobody asking (the notification was
 * dismissed, or the editor restarted), unless their user paused them there: at the deadline, counted from the journaled request time,
 * the session is resumed and the gate answers the overdue approval with the default action.
 * One timer, for the earliest deadline; sessions that run are left to the gate's own timer.
 */
export class ApprovalTimeoutScheduler {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly subs: Array<{ dispose(): void }>;

  constructor(private readonly ports: ApprovalTimeoutPorts) {
    this.subs = [...ports.changes, ports.trust.onDidGrant].map((on) => on(() => this.refresh()));
  }

  /** Re-plans from the store (serialized: a refresh never overlaps the previous one). Resolves when this plan is done. */
  refresh(): Promise<void> {
    this.busy = this.busy.then(() => this.plan()).catch((e: unknown) => this.ports.log.warn(`approval timeouts: ${e instanceof Error ? e.message : String(e)}`));
    return this.busy;
  }

  private async plan(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const t = this.ports.timeout();
    if (t.minutes <= 0 || !this.ports.trust.isTrusted()) return;
    let next = Infinity;
    for (const s of await this.ports.sessions.list()) {
      // A session its user paused at the question is theirs to resume: the timeout's default action must not run it on.
      if (s.status !== 'waiting' || !s.pendingApproval || s.pendingApproval.held || this.ports.sessions.isRunning(s.id)) continue;
      const plan = timeoutPlan({ kind: approvalKind(s.pendingApproval.id) ?? 'tool', requestedAt: s.pendingApproval.requestedAt }, t, this.ports.now());
      if (plan.type === 'wait') next = Math.min(next, plan.ms);
      if (plan.type !== 'decide') continue;
      this.ports.log.info(`approval ${s.pendingApproval.id} of session ${s.id} is overdue: resuming the session to apply the timeout`);
      await this.ports.sessions.resume(s.id).catch((e: unknown) => this.ports.log.warn(`could not resume ${s.id} for its approval timeout: ${e instanceof Error ? e.message : String(e)}`));
    }
    if (next < Infinity) this.timer = setTimeout(() => void this.refresh(), next + 250);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
