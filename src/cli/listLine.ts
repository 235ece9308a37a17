import type { SessionSummary } from '../core/store/types';
import { usd } from '../shared/money';
import { shortCount } from '../shared/shortCount';
import { terminalLine } from './terminalText';

/**
 * One session's line of `list` and `show`; `ids`: the sessions there are (a fork whose source was
 * deleted says so, as the sidebar does). A running session whose command waits for another
 * session's in the folder reads "queued", with the session it waits for: not "running".
 */
export function listLine(s: SessionSummary, ids: ReadonlySet<string>): string {
  const tokens = s.tokens.input + s.tokens.output + s.tokens.cacheRead + s.tokens.cacheWrite;
  const waiting = s.pendingApproval ? `  waiting: ${terminalLine(s.pendingApproval.summary.slice(0, 60))}` : '';
  const fork = s.parent ? `  (fork of ${ids.has(s.parent.sessionId) ? '' : 'a deleted session, '}${s.parent.sessionId}${s.parent.step === undefined ? '' : ` at step ${s.parent.step}`}; tokens and cost since the fork)` : '';
  const queued = s.status === 'running' && s.queued;
  const turn = queued ? `  waits for ${queued.behind !== undefined ? `a command of session ${queued.behind}` : "another session's command"} to end` : '';
  return `${s.id}  ${(queued ? 'queued' : s.status).padEnd(11)} ${String(s.stepCount).padStart(4)} steps ${shortCount(tokens).padStart(5)} tok  ${usd(s.costUsd).padStart(8)}  ${new Date(s.updatedAt).toISOString()}  ${terminalLine(s.title)}${fork}${waiting}${turn}`;
}
