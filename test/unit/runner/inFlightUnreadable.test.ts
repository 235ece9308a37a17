import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { Crash, ScriptedGate, crashAt, finalText, harnessPerTest, toolUse, type Harness } from './runnerHarness';

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('an edit in flight at a crash whose path is no longer a file in the workspace when the session resumes', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  /** The edit's intent is journaled, then the process dies before it writes; `outside` changes the path while Savepoint is down. */
  async function crashThen(outside: (h: Harness) => Promise<void>) {
    const h = await harness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: 'session\n' }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': 'original\n' });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:write_file') }).run(id), Crash);
    await outside(h);
    return { h, id };
  }

  it('a folder in its place: the resume goes on, the edit is not made, the folder is kept and the model is told why', async () => {
    const { h, id } = await crashThen(async (h) => {
      await rm(join(h.workspace, 'src/f.ts'));
      await mkdir(join(h.workspace, 'src/f.ts'));
      await writeFile(join(h.workspace, 'src/f.ts/keep.txt'), 'user data\n');
    });
    assert.equal((await h.runner().run(id)).status, 'completed');
    assert.deepEqual(await readdir(join(h.workspace, 'src/f.ts')), ['keep.txt']);
    assert.equal(await readFile(join(h.workspace, 'src/f.ts/keep.txt'), 'utf8'), 'user data\n');
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.isError, true);
    assert.equal(w1?.recovered, 'skipped');
    assert.match(w1?.content ?? '', /src\/f\.ts is a directory/);
    assert.match(w1?.content ?? '', /not made/);
  });

  it('its folder replaced by a file, and the user allows the write: the resume goes on (not stopped at every resume), the file is kept and the model is told the edit was not made', async () => {
    const { h, id } = await crashThen(async (h) => {
      await rm(join(h.workspace, 'src'), { recursive: true });
      await writeFile(join(h.workspace, 'src'), 'a file now\n');
    });
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['conflict'], 'the file is gone: the user is asked first');
    assert.equal((await stat(join(h.workspace, 'src'))).isFile(), true);
    assert.equal(await readFile(join(h.workspace, 'src'), 'utf8'), 'a file now\n');
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.isError, true);
    assert.equal(w1?.recovered, 'skipped');
    assert.match(w1?.content ?? '', /The edit was not made[^]*A parent of src\/f\.ts is a file/);
  });

  it('a symlink out of the workspace in its place: nothing is written through it, and the resume goes on', async () => {
    const outsideDir = await mkdtemp(join(tmpdir(), 'savepoint-outside-'));
    try {
      await writeFile(join(outsideDir, 'target.ts'), 'outside\n');
      const { h, id } = await crashThen(async (h) => {
        await rm(join(h.workspace, 'src/f.ts'));
        await symlink(join(outsideDir, 'target.ts'), join(h.workspace, 'src/f.ts'));
      });
      assert.equal((await h.runner().run(id)).status, 'completed');
      assert.equal(await readFile(join(outsideDir, 'target.ts'), 'utf8'), 'outside\n');
      const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
      assert.equal(w1?.isError, true);
      assert.match(w1?.content ?? '', /src\/f\.ts/);
    } finally {
      await rm(outsideDir, { recursive: true, force: true });
    }
  });
});

describe('an approved edit whose folder was replaced by a file while the question waited', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('the user allows the write at the conflict question: the run goes on (no error out of it), the file is kept and the model is told the edit was not made', async () => {
    const h = await harness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: 'session\n' }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': 'original\n' });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await rm(join(h.workspace, 'src'), { recursive: true });
    await writeFile(join(h.workspace, 'src'), 'a file now\n');
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool', 'conflict']);
    assert.equal(await readFile(join(h.workspace, 'src'), 'utf8'), 'a file now\n');
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.isError, true);
    assert.match(w1?.content ?? '', /The edit was not made[^]*A parent of src\/f\.ts is a file/);
  });
});
