import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listLine } from '../../../src/cli/listLine';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import type { RunnerNotice } from '../../../src/core/runner/runner';
import { toRow } from '../../../src/core/runner/sessionRows';
import { describeEvent } from '../../../src/core/runner/timeline';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import type { SessionId } from '../../../src/core/store/types';
import { statusLook } from '../../../src/shared/statusLook';
import { Crash, type Harness, crashAt, finalText, harnessPerTest } from './runnerHarness';
import { A, AUTO, B, command, until } from './twoSessions';

/**
 * A command that waits for another session's command in its folder was shown as running
 * everywhere but the sidebar's live note: its call's row, the session's row (sidebar and CLI) and
 * the status bar. Its wait is journaled now (only when it waits), so that every view, and another
 * process's `list`, tells a command waiting its turn from a stuck one.
 */
describe("a command waiting for another session's command, where the state is shown", function () {
  this.timeout(60_000);
  const harness = harnessPerTest();

  const twoCommands = () => [
    command(A, 'a1', 'touch a-started; until [ -f release ]; do sleep 0.05; done'),
    { ...finalText('A done', { toolResultFor: 'a1' }), model: A },
    command(B, 'b1', 'echo b > b.txt'),
    { ...finalText('B done', { toolResultFor: 'b1' }), model: B },
  ];

  /**
   * A's command runs; B's command, queued behind it, dies with its process (its wait journaled);
   * then A's command ends. The capture, shared by every runner of the test, is returned to reuse.
   */
  const bDiedWhileQueued = async (h: Harness) => {
    const inner = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await inner.start();
    const serial = new SerialCapture(inner);
    const runnerA = h.runner(undefined, { capture: serial });
    const dying = h.runner(undefined, { capture: serial, probe: crashAt('queued:command') });
    const a = await runnerA.start({ task: 'session A', models: [A], policy: AUTO });
    const b = await dying.start({ task: 'session B', models: [B], policy: AUTO });
    const runA = runnerA.run(a);
    let runB: Promise<unknown> | undefined;
    try {
      await until("A's command to start", () => existsSync(join(h.workspace, 'a-started')));
      runB = dying.run(b).then(() => assert.fail('B was to crash while it waited'), (e: unknown) => assert.ok(e instanceof Crash, String(e)));
      await until("B's wait to be journaled", async () => (await h.events(b)).some((e) => e.type === 'command_turn'));
    } finally {
      await writeFile(join(h.workspace, 'release'), '');
    }
    assert.equal((await runA).status, 'completed');
    await runB;
    assert.equal(existsSync(join(h.workspace, 'b.txt')), false, 'B crashed before its command ran');
    return { inner, serial, b };
  };

  it('reads "queued" in its call\'s row, the session list, the CLI list and the status bar, then running, then done', async () => {
    const h = await harness(twoCommands());
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
      await until("B's wait to be journaled", async () => (await h.events(b)).some((e) => e.type === 'command_turn'));
      const row = await h.store.getSession(b);
      assert.ok(row);
      assert.equal(row.status, 'running');
      assert.deepEqual(row.queued, { behind: a });
      assert.deepEqual(toRow(row).queued, { behind: a });
      assert.match(listLine(row, new Set()), new RegExp(`^${b}  queued `));
      const rowA = await h.store.getSession(a);
      assert.ok(rowA);
      assert.equal(rowA.queued, undefined, "A's command waits for nothing");
      assert.match(listLine(rowA, new Set()), new RegExp(`^${a}  running `));
      const look = statusLook([toRow(rowA), toRow(row)], () => true);
      assert.equal(look?.text, '$(sync~spin) Savepoint: 1 session running, 1 waiting its turn');
      const view = new TimelineViewLoader(h.store, b);
      await view.catchUp();
      assert.equal(view.state.entries.get('tool:b1')?.kind === 'tool' && (view.state.entries.get('tool:b1') as { state: string }).state, 'queued');
      assert.equal(existsSync(join(h.workspace, 'b.txt')), false, "B's command ran beside A's");
      await writeFile(join(h.workspace, 'release'), '');
      assert.equal((await runB).status, 'completed');
      const after = await h.store.getSession(b);
      assert.equal(after?.queued, undefined, 'its turn came: no longer queued');
      await view.catchUp();
      assert.equal((view.state.entries.get('tool:b1') as { state: string }).state, 'done');
      const records = (await h.events(b)).filter((e) => e.type === 'command_turn');
      assert.deepEqual(records.map((e) => e.type === 'command_turn' && e.data.waiting), [true, false], 'its wait, then its turn, journaled once each');
      assert.deepEqual(records.map((e) => describeEvent(e).trim()), [`queued b1: waits for a command of session ${a} to finish (one command runs at a time in this folder)`, 'turn b1: runs now'], 'as `show` and the CLI say them');
      assert.equal((await h.events(a)).some((e) => e.type === 'command_turn'), false, 'nothing journaled for a command that did not wait');
    } finally {
      await writeFile(join(h.workspace, 'release'), '');
    }
    assert.equal((await runA).status, 'completed');
    await inner.dispose();
  });

  it('a command that only waited when its process died never ran: resumed, it runs, and is not asked about as cut off', async () => {
    const h = await harness(twoCommands());
    const { inner, serial, b } = await bDiedWhileQueued(h);
    const again = h.runner(undefined, { capture: serial });
    assert.equal(await again.markInterrupted(b as SessionId, 'the editor was closed'), true);
    assert.equal((await h.store.getSession(b))?.queued, undefined, 'an interrupted session waits for no turn');
    assert.equal((await again.run(b)).status, 'completed');
    const events = await h.events(b);
    assert.equal(events.some((e) => e.type === 'approval_requested'), false, 'asked whether to run again a command that never ran');
    const result = events.find((e) => e.type === 'tool_result');
    assert.equal(result?.type === 'tool_result' && result.data.recovered, undefined);
    assert.equal(existsSync(join(h.workspace, 'b.txt')), true, 'it ran at the resume');
    await inner.dispose();
  });

  it('resumed after its process died while its command waited, the session reads running, not queued, until its command waits again', async () => {
    const h = await harness(twoCommands());
    const { inner, serial, b } = await bDiedWhileQueued(h);
    assert.equal(await h.runner(undefined, { capture: serial }).markInterrupted(b as SessionId, 'the editor was closed'), true);
    // The resume, stopped right after it says the session runs again (before its command takes its turn).
    await assert.rejects(h.runner(undefined, { capture: serial, probe: crashAt('after:status') }).run(b), Crash);
    const row = await h.store.getSession(b);
    assert.ok(row);
    assert.equal(row.status, 'running');
    assert.equal(row.queued, undefined, 'its command waits for nothing: A is done');
    assert.match(listLine(row, new Set()), new RegExp(`^${b}  running `));
    assert.equal(toRow(row).queued, undefined);
    assert.equal((await h.runner(undefined, { capture: serial }).run(b)).status, 'completed');
    assert.equal(existsSync(join(h.workspace, 'b.txt')), true, 'it ran at the resume');
    await inner.dispose();
  });

  it('a command that waited when its process died, then ran at the resume and was cut off again, is asked about: it may have run', async () => {
    const h = await harness(twoCommands());
    const { inner, serial, b } = await bDiedWhileQueued(h);
    // Resumed: its turn comes at once (A is done), it runs, and its process dies before its result is journaled.
    await assert.rejects(h.runner(undefined, { capture: serial, probe: crashAt('applied:run_command') }).run(b), Crash);
    assert.equal(existsSync(join(h.workspace, 'b.txt')), true, 'it ran');
    await h.runner(undefined, { capture: serial }).run(b);
    const asked = (await h.events(b)).find((e) => e.type === 'approval_requested');
    assert.equal(asked?.type === 'approval_requested' && asked.data.kind, 'command_rerun', 'a command that may have run is never run again unasked');
    await inner.dispose();
  });
});
