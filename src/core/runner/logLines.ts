import type { QueueNotice } from './checkTurns';
import type { RunnerNotice } from './runner';
import type { RunnerEvent } from './runEvents';
import { describeEvent } from './timeline';
import { count } from '../util/plural';

/** Events worth a line at info level; the rest of every checkpoint is logged at debug. */
const NOTABLE = new Set(['approval_requested', 'approval_decided', 'status', 'compacted', 'compaction_undone', 'fact_pinned', 'budgets_changed', 'models_changed']);

export interface LogLine {
  level: 'debug' | 'info' | 'warn';
  text: string;
}

/**
 * The lines of the editor's Savepoint log for a runner notice: every checkpoint saved, with its
 * events (debug); approvals, compactions and status changes (info); retries, fail-overs and
 * circuit-breaker changes of the model client. Streamed text is not logged.
 *
 * The editor keeps the log as a plain file in its logs folder. With encryption at rest on (`sealed`)
 * the lines say what happened and no more than the store keeps plain: session ids, event types,
 * statuses, decisions, models and counts; never a task, a reason or an answer (they name commands
 * and paths), nor a pinned fact.
 */
export function noticeLines(e: RunnerNotice, sealed: boolean): LogLine[] {
  if (e.type === 'committed') {
    const lines: LogLine[] = [{ level: 'debug', text: `checkpoint saved: session ${e.sessionId}, ${count(e.events.length, 'event')}: ${e.events.map((x) => x.type).join(', ')}` }];
    for (const ev of e.events) if (NOTABLE.has(ev.type)) lines.push({ level: 'info', text: `session ${e.sessionId}: ${notableLine(ev, sealed)}` });
    return lines;
  }
  if (e.type === 'queued') return [{ level: 'info', text: `session ${e.sessionId}: ${queueText(e)}` }];
  const m = e.event;
  if (m.type === 'retry') return [{ level: 'warn', text: `session ${e.sessionId}: model ${m.model} attempt ${m.attempt} failed (${m.code}: ${m.reason}); retrying in ${m.delayMs} ms` }];
  if (m.type === 'fallback') return [{ level: 'warn', text: `session ${e.sessionId}: falling back from ${m.from} to ${m.to} (${m.reason})` }];
  if (m.type === 'breaker') return [{ level: m.state === 'open' ? 'warn' : 'info', text: `model ${m.model}: circuit breaker ${m.state}` }];
  return [];
}

function notableLine(ev: RunnerEvent, sealed: boolean): string {
  if (sealed) {
    if (ev.type === 'approval_requested') return `ASK ${ev.data.kind}${ev.data.name ? ` ${ev.data.name}` : ''}`;
    if (ev.type === 'approval_decided') return `decided: ${ev.data.decision}`;
    if (ev.type === 'status') return `status → ${ev.data.status}`;
    if (ev.type === 'fact_pinned') return `pinned a fact (by the ${ev.data.by})`;
  }
  // Compactions, budgets and models: ids, counts and model names only.
  return describeEvent(ev).trim();
}

/** The line of a session started in the editor (see `noticeLines` for `sealed`). */
export const startedLine = (id: string, task: string, sealed: boolean): string => `session ${id} started${sealed ? '' : `: ${task}`}`;

/** The line of a fact the user pinned or unpinned (see `noticeLines` for `sealed`). */
export const pinnedLine = (id: string, fact: string, remove: boolean, sealed: boolean): string =>
  `session ${id}: ${remove ? 'unpinned' : 'pinned'} ${sealed ? 'a fact' : `"${fact.trim()}"`}`;

/**
 * A command's wait for its turn in its folder, in words: for the wait, the session whose command
 * runs (`title`, when known; its id otherwise); then that the command runs.
 */
export function queueText(n: Pick<QueueNotice, 'callId' | 'behind' | 'waiting' | 'check' | 'ahead'>, title?: string): string {
  const who = n.check ? `the check after the step (${n.callId})` : `the command (${n.callId})`;
  if (!n.waiting) return `${who} runs now`;
  // No session known: what runs is another session's check command (it takes its turn as a command does).
  const what = title !== undefined ? `a command of the session "${title}"` : n.behind !== undefined ? `a command of the session ${n.behind}` : "another session's command or check";
  const more = n.ahead ? `, and for ${n.ahead} more waiting ahead of it` : '';
  return `${who} waits for ${what} to finish${more}: one command runs at a time in this folder`;
}
