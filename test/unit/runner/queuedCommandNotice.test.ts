import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import type { RunnerNotice } from '../../../src/core/runner/runner';
import { finalText, harnessPerTest } from './runnerHarness';
import { A, AUTO, B, command, until } from './twoSessions';


/**
 * Two sessions in one folder run one command at a time: session B's command, started while A's
 * runs, waits. It was shown as running all along; the runner now says that it waits, and for which
 * session's command, then that it runs.
 */
describe("a command waiting for another session's command", function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('is said to wait for that session, then to run', async () => {
    const h = await harness([
      command(A, 'a1', 'touch a-started; until [ -f release ]; do sleep 0.05; done'),
      { ...finalText('A done', { toolResultFor: 'a1' }), model: A },
      command(B, 'b1', 'echo b > b.txt'),
      { ...finalText('B done', { toolResultFor: 'b1' }), model: B },
    ]);
    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const notices: RunnerNotice[] = [];
    const runner = h.runner(undefined, { capture: new SerialCapture(inner), onEvent: (n) => notices.push(n) });
    const a = await runner.start({ task: 'session A', models: [A], policy: AUTO });
    const b = await runner.start({ task: 'session B', models: [B], policy: AUTO });
    const runA = runner.run(a);
    try {
      await until("A's command to start", () => existsSync(join(h.workspace, 'a-started')));
      const runB = runner.run(b);
      const queued = (n: RunnerNotice) => n.sessionId === b && n.type !== 'committed' && n.type !== 'model';
      await until("B's command to be said to wait", () => notices.some(queued));
      assert.deepEqual(notices.filter(queued), [{ type: 'queued', sessionId: b, callId: 'b1', behind: a, waiting: true }]);
      assert.equal(existsSync(join(h.workspace, 'b.txt')), false, "B's command ran beside A's");
      await writeFile(join(h.workspace, 'release'), '');
      assert.equal((await runB).status, 'completed');
      const said = notices.filter(queued);
      assert.deepEqual(said.map((n) => (n as { waiting: boolean }).waiting), [true, false], 'then it is said to run');
      // Said to run before its result was journaled.
      const ranAt = notices.findIndex((n) => queued(n) && !(n as { waiting: boolean }).waiting);
      const resultAt = notices.findIndex((n) => n.sessionId === b && n.type === 'committed' && n.events.some((e) => e.type === 'tool_result'));
      assert.ok(ranAt < resultAt);
      assert.equal(notices.filter((n) => n.sessionId === a && n.type !== 'committed' && n.type !== 'model').length, 0, "A's command waited for nothing");
    } finally {
      await writeFile(join(h.workspace, 'release'), '');
    }
    assert.equal((await runA).status, 'completed');
    await inner.dispose();
  });
});
