import * as assert from 'node:assert/strict';
import { forksOf, treeLines, treeOf, type TreeSession } from '../../../src/shared/sessionTree';

const s = (id: string, createdAt: number, forkOf: TreeSession['forkOf'] = null): TreeSession => ({ id, title: `title ${id}`, createdAt, forkOf });

describe('sessionTree: a session seen from both ends of the tree, its parent and its forks', () => {
  const all = [s('root', 1), s('late', 9, { id: 'root', step: 2 }), s('early', 5, { id: 'root', step: 7 }), s('first', 3, { id: 'root', step: 2 }), s('grand', 4, { id: 'first', step: 1 }), s('orphan', 2, { id: 'gone', step: 3 })];

  it('lists the forks of a session by the step they start from, then oldest first, and not their own forks', () => {
    assert.deepEqual(forksOf(all, 'root').map((f) => f.id), ['first', 'late', 'early']);
    assert.deepEqual(forksOf(all, 'first').map((f) => f.id), ['grand']);
    assert.deepEqual(forksOf(all, 'grand'), []);
  });

  it('links a fork to its parent by title, and a deleted parent by id alone', () => {
    const first = all.find((x) => x.id === 'first') as TreeSession;
    assert.deepEqual(treeOf(all, first), { parent: { id: 'root', title: 'title root', step: 2 }, forks: [{ id: 'grand', title: 'title grand', step: 1 }] });
    assert.deepEqual(treeOf(all, all.find((x) => x.id === 'orphan') as TreeSession).parent, { id: 'gone', title: null, step: 3 });
  });

  it('says it in lines, the titles cleaned for where they are printed', () => {
    const first = all.find((x) => x.id === 'first') as TreeSession;
    assert.deepEqual(treeLines(treeOf(all, first), (t) => t.toUpperCase()), ['fork of TITLE ROOT (root) at step 2', 'forked at step 1 into TITLE GRAND (grand)']);
    assert.deepEqual(treeLines(treeOf(all, all.find((x) => x.id === 'orphan') as TreeSession)), ['fork of a deleted session (gone) at step 3']);
    assert.deepEqual(treeLines({ parent: { id: 'p', title: 'P', step: null }, forks: [] }), ['fork of P (p)']);
  });
});
