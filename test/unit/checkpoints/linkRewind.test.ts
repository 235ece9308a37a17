import assert from 'node:assert/strict';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { finalText, toolUse, type Harness } from '../runner/runnerHarness';
import { entryKind, linkSession } from './helpers/linkSession';

/**
 * A symlink the session's delete_file removed (the link, never its target) comes back from a rewind
 * as that link, not as a file holding a copy of what it led to; the undo removes the link the rewind
 * made, and a link someone else put there is never removed nor written through.
 */
describe('rewind of a symlink delete_file removed (real runner session, real files; POSIX)', function () {
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

  async function session() {
    const { id, ws } = await linkSession([toolUse('d1', 'delete_file', { path: 'CLAUDE.md' }), finalText('done', { toolResultFor: 'd1', toolResultIsError: false })], (made) => (h = made));
    assert.equal(await kind('CLAUDE.md'), 'absent', 'delete_file removed the link');
    assert.equal(await kind('AGENTS.md'), 'file rules\n', 'and not what it led to');
    return { id, ws, store: (h as Harness).store };
  }

  it('the rewind makes the link again and its undo removes it; a second rewind makes it again', async () => {
    const { id, ws, store } = await session();
    const plan = await planRewind(store, ws, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toLink, f.conflict, f.link]), [['CLAUDE.md', 'create', 'AGENTS.md', false, undefined]]);
    assert.equal(plan.files[0]?.diff, 'CLAUDE.md: the file is made a symlink to AGENTS.md again\n');
    const r = await applyRewind(store, ws, plan);
    assert.deepEqual(r.written, ['CLAUDE.md']);
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
    // Planned again, nothing is left to do.
    assert.deepEqual((await planRewind(store, ws, id, 0)).files.map((f) => f.action), ['none']);

    const undo = await planUndo(store, ws, id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action, f.fromLink, f.conflict, f.link]), [['CLAUDE.md', 'delete', 'AGENTS.md', false, undefined]]);
    const u = await undoRewind(store, ws, undo);
    assert.deepEqual([u.written, u.skipped], [['CLAUDE.md'], []]);
    assert.equal(await kind('CLAUDE.md'), 'absent');
    assert.equal(await kind('AGENTS.md'), 'file rules\n', 'the undo removed the link, not its target');

    await applyRewind(store, ws, await planRewind(store, ws, id, 0));
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    // Rewound to after the deletion: the session's own link goes, its target stays.
    const after = await planRewind(store, ws, id, 1);
    assert.deepEqual(after.files.map((f) => [f.action, f.fromLink, f.conflict]), [['delete', 'AGENTS.md', false]]);
    await applyRewind(store, ws, after);
    assert.equal(await kind('CLAUDE.md'), 'absent');
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
  });

  it('a file someone put there is a conflict, replaced by the link only when asked, and the undo gives the file back; a link of someone else\'s is left alone', async () => {
    const { id, ws, store } = await session();
    await writeFile(at('CLAUDE.md'), 'my own notes\n');
    const plan = await planRewind(store, ws, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.action, f.toLink, f.conflict]), [['restore', 'AGENTS.md', true]]);
    assert.deepEqual((await applyRewind(store, ws, plan)).skipped, ['CLAUDE.md']);
    assert.equal(await kind('CLAUDE.md'), 'file my own notes\n');
    const r = await applyRewind(store, ws, await planRewind(store, ws, id, 0), { overwriteConflicts: ['CLAUDE.md'] });
    assert.deepEqual(r.written, ['CLAUDE.md']);
    assert.equal(await kind('CLAUDE.md'), 'link to AGENTS.md');
    assert.equal(await kind('AGENTS.md'), 'file rules\n');
    const undo = await planUndo(store, ws, id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.action, f.fromLink, f.conflict, f.link]), [['restore', 'AGENTS.md', false, undefined]]);
    await undoRewind(store, ws, undo);
    assert.equal(await kind('CLAUDE.md'), 'file my own notes\n', 'the file the rewind replaced, from its safety checkpoint');
    assert.equal(await kind('AGENTS.md'), 'file rules\n', 'never written through the link');

    // A link to another file, made by the user: neither replaced nor written through.
    await rm(at('CLAUDE.md'));
    await writeFile(at('other.md'), 'other\n');
    await symlink('other.md', at('CLAUDE.md'));
    const foreign = await planRewind(store, ws, id, 0);
    assert.deepEqual(foreign.files.map((f) => [f.action, f.link]), [['restore', { path: 'CLAUDE.md', to: 'other.md' }]]);
    const left = await applyRewind(store, ws, foreign, { overwriteConflicts: ['CLAUDE.md'] });
    assert.deepEqual([left.written, left.linked], [[], ['CLAUDE.md']]);
    assert.equal(await kind('CLAUDE.md'), 'link to other.md');
    assert.equal(await kind('other.md'), 'file other\n');
  });

  it('where no link can be made (Windows without the privilege), the rewind puts back a copy of the file the link led to instead of failing', async () => {
    const { id, store } = await session();
    const noLinks = new (class extends NodeWorkspace {
      override canMakeLinks(): boolean {
        return false;
      }
    })(h?.workspace as string);
    const plan = await planRewind(store, noLinks, id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.action, f.toLink]), [['CLAUDE.md', 'create', undefined]]);
    assert.deepEqual((await applyRewind(store, noLinks, plan)).written, ['CLAUDE.md']);
    assert.equal(await kind('CLAUDE.md'), 'file rules\n');
  });
});
