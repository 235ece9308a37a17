import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import type { SessionId } from '../../../src/core/store/types';
import { finalText, harnessPerTest, type Harness } from './runnerHarness';
import { A, AUTO, B, call, until } from './twoSessions';

const resultOf = async (h: Harness, id: SessionId, callId: string) =>
  (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : [])).find((r) => r.callId === callId);

/**
 * Two sessions in one folder: the check command one runs (get_diagnostics, or the check after a
 * step) writes files of its own (a tsbuildinfo, a coverage folder). Run while another session's
 * command runs, those writes were recorded as that command's, and a rewind of that session would
 * delete them. The check takes its turn in the folder's queue, as a command does.
 */
describe("a session's check command while another session's command runs", function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('waits for the command, and what it writes is not recorded as the command\'s', async () => {
    const h = await harness([
      // A's command ends when the check's output appears (or when the test releases it).
      call(A, 'a1', 'run_command', { command: 'touch a-started; until [ -f build.tsbuildinfo ] || [ -f release ]; do sleep 0.05; done; echo a > a.txt' }),
      { ...finalText('A done', { toolResultFor: 'a1' }), model: A },
      call(B, 'b1', 'get_diagnostics', {}),
      { ...finalText('B done', { toolResultFor: 'b1' }), model: B },
    ]);
    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const processes = new NodeProcessRunner();
    const diagnostics = new CommandDiagnostics({ command: 'touch check-ran; echo built > build.tsbuildinfo', root: h.workspace, runner: processes });
    const runner = h.runner(undefined, { capture: shared, toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics } });
    const a = await runner.start({ task: 'session A', models: [A], policy: AUTO });
    const b = await runner.start({ task: 'session B', models: [B], policy: AUTO });
    const runA = runner.run(a);
    try {
      await until("A's command to start", () => existsSync(join(h.workspace, 'a-started')));
      const runB = runner.run(b);
      const ran = () => existsSync(join(h.workspace, 'check-ran'));
      // Either the check runs now (beside A's command), or it waits for its turn behind it.
      await until("B's check to run or to wait", () => ran() || shared.queued > 0);
      if (ran()) await until('the check to write', () => existsSync(join(h.workspace, 'build.tsbuildinfo')));
      else await writeFile(join(h.workspace, 'release'), '');
      assert.equal((await runA).status, 'completed');
      assert.equal((await runB).status, 'completed');
    } finally {
      await writeFile(join(h.workspace, 'release'), '');
    }
    const a1 = await resultOf(h, a, 'a1');
    // 'release' is the test's own write while A's command runs: a change of A's as anything else's would be.
    assert.deepEqual(a1?.sideEffects?.map((e) => e.path).filter((p) => p !== 'release'), ['a-started', 'a.txt'], "the check's output was recorded as A's command's change");
    assert.equal(existsSync(join(h.workspace, 'check-ran')), true, "B's check never ran");
    assert.match((await resultOf(h, b, 'b1'))?.content ?? '', /No problems/);
    await inner.dispose();
  });
});
