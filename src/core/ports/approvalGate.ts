import type { Exhaustion } from '../runner/budgets';
import type { ApprovalKind, Decision } from '../runner/runEvents';

/** What the user is asked. Already journaled when a gate sees it: a gate never persists anything. */
export interface ApprovalRequest {
  sessionId: string;
  /** Deterministic: the same request re-derived after a restart has the same id. */
  approvalId: string;
  kind: ApprovalKind;
  /** The tool and its proposed input, for tool, conflict and command_rerun approvals. */
  tool?: string;
  input?: unknown;
  /** Why the user is asked (policy reasons, the conflict, the exhausted budget, the loop). */
  reasons: string[];
  /** For file tools: the proposed change, as a unified diff per file. */
  diff?: string;
  /** For command_rerun: the files changed since the interrupted run began (`M a.txt, A gen/x.ts`), which the step records either way. */
  changed?: string;
  /** Only the user may approve it (a destructive call, an always-ask pattern, a path outside the workspace): a timeout rejects it whatever its setting. */
  userOnly?: true;
  /** For a budget question: the budget used up, so that the user can set a new limit for it. */
  budget?: Exhaustion;
  requestedAt: number;
}

export interface ApprovalAnswer {
  decision: Decision;
  /** The changed input, for 'edit'. */
  input?: unknown;
  /** Feedback for 'reject'; the reply for 'respond'. */
  text?: string;
  /** Decided by the approval timeout, not the user: nobody answered within this wait ("5 minutes"). */
  timedOut?: string;
}

/**
 * Asks the user (port): VS Code notifications in the extension, the terminal or a later
 * `savepoint approve` in the CLI, a script in tests.
 * `ask` resolves with the user's answer, or with 'park' when nobody can answer now: the runner then
 * leaves the session waiting (no process needs to stay alive) and whoever answers later records
 * the decision in the journal. Aborting the signal (pause, shutdown) must settle the promise with 'park'.
 * Asking twice with the same approvalId (after a restart) must not show two prompts for it.
 */
export interface ApprovalGate {
  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer | 'park'>;
  /**
   * Puts a question this gate is asking for the session in front of the user again (a UI whose
   * prompt can slip out of view). False when it asks nothing for that session now.
   */
  reshow?(sessionId: string): boolean;
}
