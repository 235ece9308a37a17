import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';
import { entryKind, linkSession } from './helpers/linkSession';

/** Permission bits where a rewind makes a link over a file, or puts a file in place of the session's own link; and a crash between the record and the renames. */
describe('modes and links: a link a rewind makes over a file, a file put back in place of one (real runner session, real files; POSIX)', function () {
  let h: Harness | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const at = (p: string) => join(h?.workspace as string, p);
  const kind = (p: string) => entryKind(h?.workspace as string, p);
  const mode = async (p: string) => (await stat(at(p))).mode & 0o7777;

  it('a 0600 file a rewind replaced by a link comes back from the undo with its bits', async () => {
    const { h: made, id, ws } = await linkSession(
      [toolUse('d1', 'delete_file', { path: 'CLAUDE.md' }), finalText('done', { toolResultFor: 'd1', toolResultIsError: false })],
      (x) => (h = x),
    );
    // The user's private file where the link was.
    await writeFile(at('CLAUDE.md'), 'TOKEN=secret\n');
    await chmod(at('CLAUDE.md'), 0o600);
    const r = await applyRewind(made.store, ws, await planRewind(made.store, ws, id, 0), { overwriteConflicts: ['CLAUDE.md'] });
    assert.deepEqual(r.written, ['CLAUDE.md']);
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    await undoRewind(made.store, ws, await planUndo(made.store, ws, id, r.rewindId));
    assert.equal(await kind('CLAUDE.md'), 'file TOKEN=secret\n');
    assert.equal(await mode('CLAUDE.md'), 0o600, 'the undo gave the private file back readable by everyone');
  });

  it('a file a rewind puts in place of the session\'s own link gets the bits a re-created file gets (0600 here)', async () => {
    const { h: made, id, ws } = await linkSession(
      [
        toolUse('d1', 'delete_file', { path: 'CLAUDE.md' }),
        toolUse('w2', 'write_file', { path: 'CLAUDE.md', content: 'TOKEN=1\n' }, { toolResultFor: 'd1', toolResultIsError: false }),
        toolUse('c3', 'run_command', { command: 'chmod 600 CLAUDE.md' }, { toolResultFor: 'w2', toolResultIsError: false }),
        toolUse('d4', 'delete_file', { path: 'CLAUDE.md' }, { toolResultFor: 'c3' }),
        finalText('done', { toolResultFor: 'd4', toolResultIsError: false }),
      ],
      (x) => (h = x),
    );
    assert.equal(await kind('CLAUDE.md'), 'absent');

    // Control: from nothing, the file of step 3 is re-created 0600 (delete_file at step 4 recorded it).
    const direct = await planRewind(made.store, ws, id, 3);
    assert.deepEqual(direct.files.map((f) => [f.path, f.action, f.toMode]), [['CLAUDE.md', 'create', 0o600]]);

    // Rewind to 0: the session's own link is made; then to 3: the link is replaced by the file.
    await applyRewind(made.store, ws, await planRewind(made.store, ws, id, 0));
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    const plan = await planRewind(made.store, ws, id, 3);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.fromLink]), [['CLAUDE.md', 'restore', 'AGENTS.md']]);
    await applyRewind(made.store, ws, plan);
    assert.equal(await kind('CLAUDE.md'), 'file TOKEN=1\n');
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
    assert.equal(await mode('CLAUDE.md'), 0o600, 'the file that replaced the link got the default mode, not its recorded 0600');
  });

  it('after a crash between the record and the renames of a rewind that replaces the session\'s own link, the rewind done again still replaces it', async () => {
    const { h: made, id, ws } = await linkSession(
      [
        toolUse('d1', 'delete_file', { path: 'CLAUDE.md' }),
        toolUse('w2', 'write_file', { path: 'CLAUDE.md', content: 'notes\n' }, { toolResultFor: 'd1', toolResultIsError: false }),
        finalText('done', { toolResultFor: 'w2', toolResultIsError: false }),
      ],
      (x) => (h = x),
    );
    await applyRewind(made.store, ws, await planRewind(made.store, ws, id, 0));
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    const plan = await planRewind(made.store, ws, id, 2);
    assert.deepEqual(plan.files.map((f) => [f.action, f.fromLink, f.conflict, f.link]), [['restore', 'AGENTS.md', false, undefined]]);
    // The record is committed, then the process dies before the rename.
    const crashed = Object.create(ws, {
      stageFiles: { value: async (...args: Parameters<typeof ws.stageFiles>) => Object.assign(await ws.stageFiles(...args), { apply: async () => Promise.reject(new Error('killed')) }) },
    }) as typeof ws;
    await assert.rejects(applyRewind(made.store, crashed, plan), /killed/);
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md', 'nothing renamed');
    const again = await planRewind(made.store, ws, id, 2);
    assert.deepEqual(again.files.map((f) => [f.action, f.fromLink, f.conflict, f.link]), [['restore', 'AGENTS.md', false, undefined]], 'the session\'s own link is still its own, not a barrier');
    await applyRewind(made.store, ws, again);
    assert.equal(await kind('CLAUDE.md'), 'file notes\n');
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
  });

  it('a staged link left by a crash is removed as a link (its target, file or folder, stays)', async () => {
    h = await harness([finalText('done')], { 'AGENTS.md': 'rules\n', 'docs/a.md': 'a\n' });
    const ws = new NodeWorkspace(h.workspace);
    await mkdir(at('sub'));
    const staged = await ws.stageFiles(
      [
        { path: 'CLAUDE.md', bytes: null, link: 'AGENTS.md' },
        { path: 'sub/docs', bytes: null, link: '../docs' },
      ],
      { tag: 'abc123' },
    );
    const temps = async (d: string) => (await readdir(at(d))).filter((n) => n.startsWith('.savepoint-abc123-'));
    assert.equal((await temps('.')).length, 1);
    assert.equal((await temps('sub')).length, 1);
    // A crash: never applied nor discarded. The sweep after the restart:
    void staged;
    const r = await ws.removeStaged('abc123', ['CLAUDE.md', 'sub/docs']);
    assert.deepEqual(r, { removed: 2, left: 0 });
    assert.deepEqual([await temps('.'), await temps('sub')], [[], []]);
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
    assert.equal(await kind('docs/a.md'), 'file a\n');
    assert.equal(await kind('CLAUDE.md'), 'absent');
    await rm(at('sub'), { recursive: true });
  });
});
