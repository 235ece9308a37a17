import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { PAUSED_BY_USER, type RunOutcome } from '../../../src/core/runner/runner';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { finalText, harnessPerTest } from './runnerHarness';
import { A, AUTO, B, command, until } from './twoSessions';


/**
 * Two sessions in one folder share its change capture, one command at a time: session B's command
 * waits while session A's runs (which may take minutes). Pausing or cancelling B meanwhile must not
 * wait for A's command, and B's command must not run once A's ends.
 */
describe('a session paused while its command waits for another session\'s command', function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('pauses at once, without running its command, while the other command goes on', async () => {
    const h = await harness([
      command(A, 'a1', 'touch a-started; until [ -f release ]; do sleep 0.05; done; echo a > a.txt'),
      { ...finalText('A done', { toolResultFor: 'a1' }), model: A },
      command(B, 'b1', 'echo b > b.txt'),
    ]);
    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const runner = h.runner(undefined, { capture: new SerialCapture(inner) });
    const a = await runner.start({ task: 'session A', models: [A], policy: AUTO });
    const b = await runner.start({ task: 'session B', models: [B], policy: AUTO });
    const runA = runner.run(a);
    const release = () => writeFile(join(h.workspace, 'release'), '');
    try {
      await until("A's command to start", () => existsSync(join(h.workspace, 'a-started')));
      const pauseB = new AbortController();
      const runB = runner.run(b, pauseB.signal);
      await until("B's command to be started (queued behind A's)", async () => (await h.events(b)).some((e) => e.type === 'tool_started'));
      pauseB.abort(PAUSED_BY_USER);
      const stalled = new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 20_000).unref());
      const outB = await Promise.race([runB, stalled]);
      assert.notEqual(outB, 'stalled', "B's pause waited for A's command");
      assert.equal((outB as RunOutcome).status, 'paused');
      assert.equal(existsSync(join(h.workspace, 'b.txt')), false, "B's command ran after it was paused");
      const b1 = (await h.events(b)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === 'b1');
      assert.match(b1?.content ?? '', /not run/);
    } finally {
      // A's command ends whatever happened (it would wait for ever in a removed folder).
      await release();
    }
    assert.equal((await runA).status, 'completed');
    assert.equal(existsSync(join(h.workspace, 'a.txt')), true);
    await inner.dispose();
  });
});
