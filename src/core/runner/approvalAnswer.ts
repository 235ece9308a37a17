import type { Message } from '../model/types';
import type { ApprovalAnswer } from '../ports/approvalGate';
import { usd } from '../../shared/money';
import { type Budgets, budgetEditFault, exhausted, ownCounters, raise } from './budgets';
import { messageChars } from './compaction';
import type { ApprovalRequestedData, RunnerEvent } from './runEvents';
import type { RunState } from './runState';
import { RunnerError, hashMessage } from './sessionJournal';

/**
 * The events that record the user's answer to `asked`, with what the answer entails: a raised
 * budget, a stop, a reply to the model. Pure: the answer goes in the journal as one batch, whoever
 * took it (the gate during a run, or `savepoint approve` between runs).
 */
export function answerEvents(s: RunState, asked: ApprovalRequestedData, answer: ApprovalAnswer): { events: RunnerEvent[]; messages: Message[] } {
  const events: RunnerEvent[] = [{ type: 'approval_decided', data: { approvalId: asked.approvalId, decision: answer.decision, ...(answer.input !== undefined ? { input: answer.input } : {}), ...(answer.text !== undefined ? { text: answer.text } : {}), ...(answer.timedOut !== undefined ? { timedOut: answer.timedOut } : {}) } }];
  const messages: Message[] = [];
  if (asked.kind === 'budget' && answer.decision !== 'reject') {
    const fault = answer.decision === 'edit' ? budgetEditFault(answer.input) : undefined;
    if (fault !== undefined) throw new RunnerError('INVALID', `${fault}; nothing was recorded`);
    const own = ownCounters(s.counters, s.inherited);
    const over = exhausted(s.budgets, own);
    const edited = answer.decision === 'edit' ? (answer.input as Budgets) : undefined;
    // A limit set at or below what is used: the same question would come back before any step.
    const still = edited && over ? exhausted({ ...s.budgets, ...edited }, own) : undefined;
    if (still && over && still.kind === over.kind) {
      const key = Object.keys(edited ?? {}).find((k) => edited?.[k as keyof Budgets] === still.limit);
      throw new RunnerError('INVALID', `${key ? `${key} ${still.limit}` : `the ${still.kind} limit`} is not more than the ${still.kind === 'cost' ? usd(still.used) : still.used} used: the session would ask again at once. Set more, or 0 for no limit; nothing was recorded`);
    }
    if (over) events.push({ type: 'budgets_changed', data: { budgets: edited ? { ...s.budgets, ...edited } : raise(s.budgets, over) } });
  }
  if ((asked.kind === 'budget' || asked.kind === 'loop') && answer.decision === 'reject') {
    const by = answer.timedOut !== undefined ? `stopped by the approval timeout (nobody answered within ${answer.timedOut}): ${asked.reasons.join('; ')}` : `stopped by the user: ${asked.reasons.join('; ')}${answer.text ? ` (${answer.text})` : ''}`;
    events.push({ type: 'status', data: { status: 'failed', reason: by } });
  }
  // A reply to a budget or loop question goes to the model with the go-ahead (a budget is raised as for approve).
  if ((asked.kind === 'loop' || asked.kind === 'budget') && answer.decision === 'respond' && answer.text) {
    const m: Message = { role: 'user', content: answer.text };
    events.push({ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'human', chars: messageChars(m) } });
    messages.push(m);
  }
  return { events, messages };
}
