import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { queueText } from '../../../src/core/runner/logLines';
import type { RunnerNotice } from '../../../src/core/runner/runner';
import { finalText, harnessPerTest } from './runnerHarness';
import { A, AUTO, B, call, command, until } from './twoSessions';

/**
 * The check command run after a step that changes files takes its turn in the folder's queue, as
 * a command does. While it waited behind another session's command nothing said so: the session
 * read "running" with its check not running. It is announced now as a waiting command is: the
 * live note, the journaled wait (the session's row reads queued), then its turn.
 */
describe("a session's step check waiting for another session's command", function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  it('is said to wait for that session, then to run, as a command is', async () => {
    const h = await harness([
      command(A, 'a1', 'touch a-started; until [ -f release ]; do sleep 0.05; done'),
      { ...finalText('A done', { toolResultFor: 'a1' }), model: A },
      call(B, 'b1', 'write_file', { path: 'b.txt', content: 'b\n' }),
      { ...finalText('B done', { toolResultFor: 'b1' }), model: B },
    ]);
    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const processes = new NodeProcessRunner();
    const diagnostics = new CommandDiagnostics({ command: 'echo ran >> check-runs', root: h.workspace, runner: processes });
    const notices: RunnerNotice[] = [];
    const runner = h.runner(undefined, { capture: new SerialCapture(inner), diagnoseSteps: true, onEvent: (n) => notices.push(n), toolContext: { workspace: new NodeWorkspace(h.workspace), processes, diagnostics } });
    const a = await runner.start({ task: 'session A', models: [A], policy: AUTO });
    const b = await runner.start({ task: 'session B', models: [B], policy: AUTO });
    const runA = runner.run(a);
    const queued = (n: RunnerNotice) => n.sessionId === b && n.type === 'queued';
    try {
      await until("A's command to start", () => existsSync(join(h.workspace, 'a-started')));
      const runB = runner.run(b);
      await until("B's check to be said to wait", () => notices.some(queued));
      const first = notices.find(queued);
      assert.deepEqual(first, { type: 'queued', sessionId: b, callId: 'b1', behind: a, waiting: true, check: true });
      assert.equal(first?.type === 'queued' && queueText(first, 'session A'), 'the check after the step (b1) waits for a command of the session "session A" to finish: one command runs at a time in this folder');
      await until("B's wait to be journaled", async () => (await h.events(b)).some((e) => e.type === 'command_turn'));
      assert.deepEqual((await h.store.getSession(b))?.queued, { behind: a }, "B's row reads queued");
      // The one run so far: the check before A's command.
      assert.equal((await readFile(join(h.workspace, 'check-runs'), 'utf8')).split('\n').filter(Boolean).length, 1, "B's check ran beside A's command");
      await writeFile(join(h.workspace, 'release'), '');
      assert.equal((await runB).status, 'completed');
      // Each wait is followed by its turn (the check after B's step may wait too: for A's check after its command).
      const said = notices.filter(queued).map((n) => n.type === 'queued' && n.waiting);
      assert.deepEqual(said, said.map((_, i) => i % 2 === 0), 'then it is said to run');
      const records = (await h.events(b)).flatMap((e) => (e.type === 'command_turn' ? [{ ...e.data, activeMs: undefined }] : []));
      assert.deepEqual(records.slice(0, 2), [{ callId: 'b1', waiting: true, behind: a, check: true, activeMs: undefined }, { callId: 'b1', waiting: false, check: true, activeMs: undefined }]);
      assert.deepEqual(records.map((r) => r.waiting), said, 'journaled as said');
      assert.equal((await h.store.getSession(b))?.queued, undefined);
      assert.equal(existsSync(join(h.workspace, 'b.txt')), true);
    } finally {
      await writeFile(join(h.workspace, 'release'), '');
    }
    assert.equal((await runA).status, 'completed');
    await inner.dispose();
  });
});
