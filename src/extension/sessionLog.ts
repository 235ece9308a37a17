import type * as vscode from 'vscode';
import type { RunnerNotice } from '../core/runner/runner';
import { describeEvent } from '../core/runner/timeline';
import { count } from '../core/util/plural';

/** Events worth a line at info level; the rest of every checkpoint is logged at debug. */
const NOTABLE = new Set(['approval_requested', 'approval_decided', 'status', 'compacted', 'compaction_undone', 'fact_pinned', 'budgets_changed', 'models_changed']);

/**
 * The Savepoint log (a LogOutputChannel, its level set by the user): every checkpoint saved, with
 * its events; retries, fail-overs and circuit-breaker changes of the model client; approvals,
 * compactions and status changes at info. Streamed text is not logged.
 */
export function logNotice(log: vscode.LogOutputChannel, e: RunnerNotice): void {
  if (e.type === 'committed') {
    log.debug(`checkpoint saved: session ${e.sessionId}, ${count(e.events.length, 'event')}: ${e.events.map((x) => x.type).join(', ')}`);
    for (const ev of e.events) if (NOTABLE.has(ev.type)) log.info(`session ${e.sessionId}: ${describeEvent(ev).trim()}`);
    return;
  }
  const m = e.event;
  if (m.type === 'retry') log.warn(`session ${e.sessionId}: model ${m.model} attempt ${m.attempt} failed (${m.code}: ${m.reason}); retrying in ${m.delayMs} ms`);
  else if (m.type === 'fallback') log.warn(`session ${e.sessionId}: falling back from ${m.from} to ${m.to} (${m.reason})`);
  else if (m.type === 'breaker') log[m.state === 'open' ? 'warn' : 'info'](`model ${m.model}: circuit breaker ${m.state}`);
}
