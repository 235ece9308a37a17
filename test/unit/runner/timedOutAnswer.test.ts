import assert from 'node:assert/strict';
import { timedOutAnswer } from '../../../src/shared/approvalTimeout';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

/** The text of the last user message of a recorded request body. */
function lastUserText(body: unknown): string {
  const messages = (body as { messages: { role: string; content: unknown }[] }).messages;
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return JSON.stringify(last?.content ?? '');
}

/**
 * An approval nobody answered and the timeout (`savepoint.approval.timeoutAction`) rejected reached
 * the model as "The user rejected this call. Feedback: No answer within 5 minutes: rejected
 * automatically", which reads as the user not wanting it; and a budget question the timeout
 * rejected failed the session as "stopped by the user". The user never decided either.
 */
describe('an approval the timeout decided is not told as the user deciding', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();
  const timeout = { minutes: 5, action: 'reject' as const };

  it('a tool call rejected by the timeout: the model reads that nobody answered in time', async () => {
    const h = await harness([toolUse('c1', 'run_command', { command: 'echo hi' }), finalText('ok', { toolResultFor: 'c1' })]);
    const runner = h.runner(new ScriptedGate((r) => (r.kind === 'tool' ? timedOutAnswer('tool', timeout) : 'park')));
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const told = lastUserText(h.server.requests().at(-1)?.body);
    assert.doesNotMatch(told, /The user rejected/);
    assert.match(told, /Nobody answered this approval within 5 minutes, so the approval timeout rejected the call/);
  });

  it('a budget question rejected by the timeout: the session failed by the timeout, not "stopped by the user"', async () => {
    const h = await harness([toolUse('c1', 'run_command', { command: 'exit 3' }), toolUse('c2', 'run_command', { command: 'exit 4' }, { toolResultFor: 'c1' }), finalText('done', { toolResultFor: 'c2' })]);
    const runner = h.runner(new ScriptedGate((r) => (r.kind === 'tool' ? { decision: 'approve' } : timedOutAnswer(r.kind, timeout))));
    const id = await runner.start({ task: 'two commands', models: ['claude-sonnet-4-6'], budgets: { maxToolFailures: 2 } });
    const out = await runner.run(id);
    assert.equal(out.status, 'failed');
    const reason = (await h.events(id)).flatMap((e) => (e.type === 'status' && e.data.status === 'failed' ? [e.data.reason ?? ''] : [])).at(-1);
    assert.match(reason ?? '', /^stopped by the approval timeout \(nobody answered within 5 minutes\): tool run_command failed 2 of 2$/);
  });
});
