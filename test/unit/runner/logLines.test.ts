import assert from 'node:assert/strict';
import { noticeLines, pinnedLine, startedLine } from '../../../src/core/runner/logLines';
import { ScriptedGate, finalText, harnessPerTest, toolUse } from './runnerHarness';

const MARKER = 'QZX-private-7731';

/** The editor's Savepoint log (a plain file in its logs folder) of a real session: the scripted model, a real store. */
describe('the Savepoint log of a session, with and without encryption at rest', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  async function sessionLogged(sealed: boolean): Promise<string[]> {
    const h = await harness([
      toolUse('c1', 'run_command', { command: `echo ${MARKER}` }),
      finalText(`done with ${MARKER}`, { toolResultFor: 'c1' }),
    ]);
    const lines: string[] = [];
    const info = (text: string) => void lines.push(`info ${text}`);
    const gate = new ScriptedGate(() => ({ decision: 'reject', text: `not ${MARKER} please` }));
    const runner = h.runner(gate, { onEvent: (e) => void lines.push(...noticeLines(e, sealed).map((l) => `${l.level} ${l.text}`)) });
    const id = await h.start(runner, `look after ${MARKER}`);
    info(startedLine(id, `look after ${MARKER}`, sealed));
    await runner.run(id);
    await runner.pinFact(id, `the secret is ${MARKER}`);
    info(pinnedLine(id, `the secret is ${MARKER}`, false, sealed));
    assert.ok(gate.asked.length > 0, 'the command was asked about');
    return lines;
  }

  it('says the task, the reasons, the answers and the pinned facts when the store is plain', async () => {
    const lines = await sessionLogged(false);
    assert.ok(lines.some((l) => l.includes(`started: look after ${MARKER}`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`decided: reject "not ${MARKER} please"`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`pinned "the secret is ${MARKER}"`)), lines.join('\n'));
  });

  it('with encryption at rest on, says what happened (started, asked, decided, pinned) and nothing the store encrypts', async () => {
    const lines = await sessionLogged(true);
    assert.deepEqual(lines.filter((l) => l.includes(MARKER)), []);
    for (const what of [/ started$/, /ASK \w+ run_command$/, /decided: reject$/, /pinned a fact$/]) assert.ok(lines.some((l) => what.test(l)), `${what}: ${lines.join('\n')}`);
  });
});
