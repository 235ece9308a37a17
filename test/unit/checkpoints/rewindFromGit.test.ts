import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { previewLine } from '../../../src/core/checkpoints/rewindWords';
import { GitContents } from '../../../src/core/node/gitContents';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * A file over the size limit is recorded by hash (and size) only. When a step's git checkout changed
 * it, the rewind said "not restorable" while the user's git had those very bytes in the branch left.
 * The plan now asks git (read-only) for a version of the path whose sha-256 is the recorded hash:
 * found, it is restored byte-exact; git's other versions (not those bytes) are never used.
 */
describe('a file over the size limit that a git checkout changed: a rewind takes its bytes from git', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const mainBytes = Buffer.concat([Buffer.from([0]), Buffer.alloc(4096, 1)]);
  const featBytes = Buffer.concat([Buffer.from([0]), Buffer.alloc(5000, 2)]);
  const prepare = async (w: string) => {
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...a], { cwd: w });
    git('init', '-q', '-b', 'main');
    await writeFile(join(w, 'big.bin'), featBytes);
    git('add', 'big.bin');
    git('commit', '-qm', 'feat');
    git('branch', 'feature');
    await writeFile(join(w, 'big.bin'), mainBytes);
    git('commit', '-qam', 'main');
  };
  const session = () => commandSession(['git checkout -q feature'], { prepare, capture: { maxFileBytes: 2048 }, keep });

  it('without git to ask, still not restorable (as before)', async () => {
    const s = await session();
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.restorable]), [['big.bin', false]]);
  });

  it('with git: restored byte-exact, said in the preview; its undo gives the checkout\'s bytes back', async () => {
    const s = await session();
    assert.deepEqual(await readFile(join(s.h.workspace, 'big.bin')), featBytes);
    const fromGit = new GitContents(s.h.workspace);
    const plan = await planRewind(s.h.store, s.ws, s.id, 0, { fromGit });
    const [f] = plan.files;
    assert.ok(f);
    assert.deepEqual([f.path, f.restorable, f.fromGit], ['big.bin', true, true]);
    assert.equal(previewLine(f), 'restore big.bin (contents from git: the session kept them by hash only)');
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written, r.notRestorable], [['big.bin'], []]);
    assert.deepEqual(await readFile(join(s.h.workspace, 'big.bin')), mainBytes);
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId, { fromGit }));
    assert.deepEqual(await readFile(join(s.h.workspace, 'big.bin')), featBytes);
  });

  it('bytes offered that are not the recorded version are never taken', async () => {
    const s = await session();
    const liar = { recallByHash: async (w: readonly { path: string }[]) => new Map(w.map((x) => [x.path, featBytes])) };
    const plan = await planRewind(s.h.store, s.ws, s.id, 0, { fromGit: liar });
    assert.deepEqual(plan.files.map((f) => [f.path, f.restorable, f.fromGit]), [['big.bin', false, undefined]]);
  });

  it('git has the path but never those bytes: not restorable, nothing written', async () => {
    const s = await session();
    // The main branch rewritten: no commit, index or reflog entry holds the recorded bytes any more.
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...a], { cwd: s.h.workspace });
    git('branch', '-D', 'main');
    git('reflog', 'expire', '--expire=now', '--all');
    git('gc', '-q', '--prune=now');
    const plan = await planRewind(s.h.store, s.ws, s.id, 0, { fromGit: new GitContents(s.h.workspace) });
    assert.deepEqual(plan.files.map((f) => [f.path, f.restorable, f.fromGit]), [['big.bin', false, undefined]]);
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.deepEqual([r.written, r.notRestorable], [[], ['big.bin']]);
    assert.deepEqual(await readFile(join(s.h.workspace, 'big.bin')), featBytes);
  });
});
