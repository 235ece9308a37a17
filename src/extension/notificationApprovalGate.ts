import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalGate, ApprovalRequest } from '../core/ports/approvalGate';
import { type ApprovalTimeout, type TimedOutAnswer, timedOutAnswer, timeoutPlan } from '../shared/approvalTimeout';
import { limitAnswer, limitQuestion } from '../shared/budgetLimit';
import { askedBecause, shownInput, shownTitle } from '../shared/notificationText';
import { readApprovalTimeout } from './settings';
import { editInEditor } from './inputEditor';
import { askText } from './longText';
import { notify } from './notify';

/**
 * Approvals as VS Code notifications: Approve / Edit / Reject / Respond (Edit: `editInEditor`). The request is already in
 * the journal when this is called. Dismissing the notification does not decide anything: the
 * session stays waiting, and the sidebar and the status bar offer it again.
 * With a timeout set, an approval still unanswered when it runs out (counted from the journaled
 * `requestedAt`, so across restarts) gets the default answer, which the runner journals.
 */
export class NotificationApprovalGate implements ApprovalGate {
  /**
   * Questions on screen now, by session and approval id (`questionKey`: a budget or loop question's id
   * is its kind and journal position, which another session may have too): their session, how to
   * show them once more, and how to answer them.
   */
  private readonly showing = new Map<string, { sessionId: string; again: () => void; choose: (choice: string) => void }>();

  /**
   * Where a click on a question's notification goes once its run has stopped (a pause, a cancel):
   * VS Code cannot take a notification back, and a click on it used to do nothing and say nothing.
   * The session service journals it (`SessionService.answerLate`).
   */
  lateAnswers?: (r: ApprovalRequest, answer: ApprovalAnswer) => Promise<void>;

  /** Why such a click can no longer be answered (its session was cancelled or finished meanwhile), said before a reply is typed; undefined: it may be. */
  lateRefusal?: (r: ApprovalRequest) => Promise<string | undefined>;

  constructor(
    private readonly log?: vscode.LogOutputChannel,
    private readonly timeout: () => ApprovalTimeout = readApprovalTimeout,
    private readonly now: () => number = Date.now,
    /** Opens the change a question proposes (Show Changes); absent: the button is not offered. */
    private readonly proposed?: { show(r: ApprovalRequest): Promise<void>; forget(r: ApprovalRequest): void },
    /** The title of a session, to say which one asks (several can wait at once); absent or undefined: not named. */
    private readonly titleOf?: (sessionId: string) => Promise<string | undefined>,
    /** Whether the file `path` (as the session names it) has unsaved changes in an editor; absent: not said. */
    private readonly unsavedOf?: (sessionId: string, path: string) => boolean,
  ) {}

  async ask(r: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer | 'park'> {
    // Looked up first: from the check below to the question's entry in `showing`, nothing awaits.
    const name = await this.titleOf?.(r.sessionId).catch(() => undefined);
    const key = questionKey(r);
    if (this.showing.has(key)) return 'park';
    const t = this.timeout();
    const plan = timeoutPlan(r, t, this.now());
    if (plan.type === 'decide') return this.timedOut(r, plan.answer);
    const deadline = new AbortController();
    const timer = plan.type === 'wait' ? setTimeout(() => deadline.abort(), plan.ms) : undefined;
    // The same question may be on screen more than once (shown again after it slipped into the
    // notification centre): the first answer counts; it is dismissed only when every copy is.
    let open = 0;
    let settle!: (v: string | undefined) => void;
    const answered = new Promise<string | undefined>((resolve) => (settle = resolve));
    const copies: Thenable<string | undefined>[] = [];
    const offered = [...buttons(r)];
    if (r.diff && this.proposed) offered.splice(1, 0, SHOW_CHANGES);
    const show = () => {
      open++;
      const p = notify.warn(`${title(r, name)}${unsavedNote(r, this.unsavedOf)}${askedBecause(r.kind, r.reasons)}`, { modal: false }, ...offered);
      copies.push(p.then((v) => (v === SHOW_CHANGES ? undefined : v)));
      p.then(
        (v) => {
          // Not an answer: the change opens, and the same question is asked again (while it is still open).
          if (v === SHOW_CHANGES) {
            open--;
            void this.proposed?.show(r).catch((e: unknown) => this.log?.warn(`showing the change of ${r.approvalId}: ${String(e)}`)).finally(() => this.showing.get(key) === entry && show());
            return;
          }
          if (v) settle(v);
          else if (--open === 0) settle(undefined);
        },
        () => --open === 0 && settle(undefined),
      );
    };
    const entry = { sessionId: r.sessionId, again: show, choose: (c: string) => settle(c) };
    this.showing.set(key, entry);
    try {
      show();
      const choice = await raceAbort(answered, AbortSignal.any([signal, deadline.signal]));
      if (!choice && deadline.signal.aborted && !signal.aborted) {
        const answer = timedOutAnswer(r.kind, t, r.userOnly === true);
        // VS Code cannot take a notification back: a late click on it is answered, not lost silently.
        void Promise.race(copies).then((late) => late && void notify.info(`Savepoint: too late, that approval timed out and was ${answer.decision === 'approve' ? 'approved' : 'rejected'} already.`));
        return this.timedOut(r, answer);
      }
      if (!choice) {
        if (signal.aborted) void answered.then((late) => (late ? this.late(r, late) : undefined));
        return 'park';
      }
      // Typing the answer (Edit, Respond, a reason) takes the user's time: a pause or a cancel meanwhile
      // is not held up by it (the run lets go now), and what they give then counts as a late answer.
      const typed = answerFor(r, choice);
      const answer = await raceAbort(typed, signal);
      if (answer !== undefined) return answer;
      void typed.then((a) => (a === 'park' ? undefined : this.deliverLate(r, a)), (e: unknown) => this.log?.warn(`a late answer to ${r.approvalId}: ${String(e)}`));
      return 'park';
    } finally {
      if (timer) clearTimeout(timer);
      this.showing.delete(key);
      this.proposed?.forget(r);
    }
  }

  /**
   * A click on the notification of a run that stopped: given to the same question if a later run
   * shows it now, else journaled by the session service (the question is still open: the resume
   * then goes on without asking it again).
   */
  private async late(r: ApprovalRequest, choice: string): Promise<void> {
    const live = this.showing.get(questionKey(r));
    if (live) return live.choose(choice);
    if (await this.saidGone(r)) return;
    const answer = await answerFor(r, choice);
    if (answer !== 'park') await this.deliverLate(r, answer);
  }

  /** Whether the question can no longer be answered (its session was cancelled or finished meanwhile), said to the user if so. */
  private async saidGone(r: ApprovalRequest): Promise<boolean> {
    const gone = await this.lateRefusal?.(r).catch(() => undefined);
    if (gone) void notify.info(`Savepoint: ${gone}`);
    return gone !== undefined;
  }

  /** An answer given once the question's run had stopped: journaled by the session service (`lateAnswers`). */
  private async deliverLate(r: ApprovalRequest, answer: ApprovalAnswer): Promise<void> {
    if (await this.saidGone(r)) return;
    if (!this.lateAnswers) return void notify.info('Savepoint: that session stopped while the question was open, so the answer was not recorded. Resume the session to answer it.');
    await this.lateAnswers(r, answer).catch((e: unknown) => this.log?.warn(`a late answer to ${r.approvalId}: ${e instanceof Error ? e.message : String(e)}`));
  }

  reshow(sessionId: string): boolean {
    const mine = [...this.showing.values()].filter((s) => s.sessionId === sessionId);
    for (const s of mine) s.again();
    return mine.length > 0;
  }

  private timedOut(r: ApprovalRequest, answer: TimedOutAnswer): ApprovalAnswer {
    this.log?.info(`approval ${r.approvalId} (${r.kind}${r.tool ? ` ${r.tool}` : ''}) timed out: ${answer.decision}`);
    void notify.info(`Savepoint: ${answer.text}`);
    return { decision: answer.decision, text: answer.text, timedOut: answer.timedOut };
  }
}

/** A question's key among those on screen: its session and its approval id (a fork journals its parent's questions under the same ids). */
const questionKey = (r: ApprovalRequest): string => `${r.sessionId}\u0000${r.approvalId}`;

/** The answer a button stands for, with what the user types for Edit, Respond and Reject ('park': they closed the box). */
async function answerFor(r: ApprovalRequest, choice: string): Promise<ApprovalAnswer | 'park'> {
  if (choice === 'Approve' || choice === 'Run Again' || choice === 'Continue' || choice === 'Apply Anyway') return { decision: 'approve' };
  if (choice === 'Edit') {
    const edited = await editInEditor(r);
    return edited ? { decision: 'edit', input: edited.input } : 'park';
  }
  if (choice === SET_LIMIT && r.budget) {
    const budget = r.budget;
    const words = limitQuestion(budget);
    // Checked as it is typed: a limit not valid cannot be accepted, so nothing is recorded for it.
    const text = await vscode.window.showInputBox({ ...words, value: words.placeholder, validateInput: (t) => limitAnswer(t, budget).fault });
    const budgets = text === undefined ? undefined : limitAnswer(text, budget).budgets;
    return budgets ? { decision: 'edit', input: budgets } : 'park';
  }
  // The box stays open when the user looks elsewhere (the file, the diff): a click outside it threw the typed text away.
  if (choice === 'Respond') {
    // A budget or loop question has no call to answer: the reply goes to the agent with the go-ahead (answerEvents).
    const along = r.kind === 'loop' || r.kind === 'budget';
    const text = await askText({ ignoreFocusOut: true, title: along ? 'Your message to the agent (it then continues)' : 'Your reply to the agent (instead of running the tool)', prompt: along ? 'Sent to the agent with the go-ahead to continue.' : 'Sent to the agent as the answer to its call.', what: along ? 'your message' : 'your reply', send: 'Send Reply', fileName: 'Savepoint reply', draft: `reply\u0000${questionKey(r)}`, again: 'choose Respond on the question again (the status bar offers it)' });
    return text === undefined ? 'park' : { decision: 'respond', text };
  }
  const text = await askText({ ignoreFocusOut: true, title: 'Why? (sent to the agent; optional)', prompt: 'Sent to the agent with the rejection.', what: 'the reason', send: 'Reject', fileName: 'Savepoint reason', empty: true, draft: `reason\u0000${questionKey(r)}`, again: 'choose Reject on the question again (the status bar offers it)' });
  return text === undefined ? 'park' : { decision: 'reject', text };
}

/**
 * A file change whose file has unsaved changes in an editor: the agent changes the file on disk, and
 * the user's unsaved text is not in what it changes (read when the question is shown, also again).
 */
function unsavedNote(r: ApprovalRequest, unsavedOf: ((sessionId: string, path: string) => boolean) | undefined): string {
  const path = r.input && typeof r.input === 'object' ? (r.input as Record<string, unknown>).path : undefined;
  if ((r.kind !== 'tool' && r.kind !== 'conflict') || typeof path !== 'string' || !unsavedOf?.(r.sessionId, path)) return '';
  return ` ${shownInput(path, 300)} has unsaved changes in an editor: the agent changes the file as saved on disk, without your unsaved text (saving it afterwards asks which version to keep).`;
}

/** The question's message: which session asks (when its title is known), then what it asks. */
function title(r: ApprovalRequest, session: string | undefined): string {
  return `Savepoint${session ? ` (${shownTitle(session)})` : ''}: ${question(r)}`;
}

function question(r: ApprovalRequest): string {
  const input = r.input && typeof r.input === 'object' ? (r.input as Record<string, unknown>) : {};
  // The model's words, shown whole (see shownInput): what is approved is what runs.
  const every = input.scope === 'user' ? ' for every project' : '';
  const what =
    typeof input.command === 'string'
      ? `run \`${shownInput(input.command)}\``
      : typeof input.path === 'string'
        ? `${r.tool ?? 'change'} ${shownInput(input.path, 300)}`
        : typeof input.text === 'string'
          ? `${r.tool ?? 'remember'}${every} "${shownInput(input.text, 400)}"`
          : `${r.tool ?? 'continue'}${every}`;
  switch (r.kind) {
    case 'tool':
      return `allow the agent to ${what}?`;
    case 'command_rerun':
      return `the command \`${shownInput(String(input.command ?? ''), 500)}\` was interrupted and may have partly run${r.changed ? ` (changed since it began: ${shownInput(r.changed, 200)}; the step records these either way)` : ''}. Run it again?`;
    case 'conflict':
      return `${typeof input.path === 'string' ? shownInput(input.path, 300) : 'a file'} changed outside the session. Apply the agent's edit anyway?`;
    case 'budget':
      return 'the session used up its budget. Continue with a raised budget?';
    case 'loop':
      return 'the agent seems to be going in circles. Let it continue?';
  }
}

/** The budget question's button that asks for a new limit of the budget used up (as the CLI's --edit sets one). */
export const SET_LIMIT = 'Set Limit';

/** The button that opens the change a question proposes, then asks the question again. */
export const SHOW_CHANGES = 'Show Changes';

function buttons(r: ApprovalRequest): string[] {
  switch (r.kind) {
    case 'tool':
      return ['Approve', 'Edit', 'Reject', 'Respond'];
    // Edit runs the call with the input the user changed, whichever the question (the runner takes it for these three).
    case 'command_rerun':
      return ['Run Again', 'Edit', 'Reject', 'Respond'];
    case 'conflict':
      return ['Apply Anyway', 'Edit', 'Reject', 'Respond'];
    // Continue raises the budget (used plus the limit); Set Limit asks for the new limit (a question journaled before it was kept says no budget: not offered).
    case 'budget':
      return r.budget ? ['Continue', SET_LIMIT, 'Reject'] : ['Continue', 'Reject'];
    case 'loop':
      return ['Continue', 'Respond', 'Reject'];
  }
}

function raceAbort<T>(p: Thenable<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
