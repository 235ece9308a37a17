import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { GitContents, blobId } from '../../../src/core/node/gitContents';
import { captureCommand, captureScratch, sh, only, sha, summary, text } from './captureHarness';

const GIT = 'git -c user.name=t -c user.email=t@example.invalid -c commit.gpgsign=false';

/** Every file under .git with its size and mtime: what "never touching .git" is checked against. */
async function gitTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    const s = await stat(p);
    out.push(`${p} ${s.size} ${s.mtimeMs}`);
  }
  return out.sort();
}

describe('old contents from git when the capture\'s cache dropped them (real git, read-only)', function () {
  this.timeout(30_000);
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it('a committed or staged file a command changes is restorable although the cache kept nothing; an unsaved edit is not, and .git is untouched', async () => {
    const root = await scratch.workspace({ 'a.ts': 'export const a = 1;\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'd.txt': 'd\n', 'sub/e.txt': 'e\n' });
    await sh(root, `git init -q && ${GIT} add -A && ${GIT} commit -qm init && printf 'c local\\n' > c.txt && printf 'd staged\\n' > d.txt && git add d.txt`);
    // A cache of 1 byte: like a workspace far over the 128 MB budget, no old contents are at hand.
    const capture = scratch.capture(root, { contentStore: new MemoryContentStore(1) });
    await capture.start();
    const before = await gitTree(join(root, '.git'));
    const set = await captureCommand(capture, root, "printf 'export const a = 2;\\n' > a.ts && rm b.txt && printf 'C\\n' > c.txt && printf 'D\\n' > d.txt && (cd sub && printf 'E\\n' > e.txt)");
    assert.deepEqual(summary(set), ['a.ts modified', 'b.txt deleted', 'c.txt modified', 'd.txt modified', 'sub/e.txt modified']);
    assert.equal(text(only(set, 'a.ts').beforeBytes), 'export const a = 1;\n', 'HEAD had it');
    assert.equal(text(only(set, 'b.txt').beforeBytes), 'b\n', 'a deleted file too');
    assert.equal(text(only(set, 'd.txt').beforeBytes), 'd staged\n', 'the index had it (staged, not committed)');
    assert.equal(text(only(set, 'sub/e.txt').beforeBytes), 'e\n');
    assert.equal(only(set, 'c.txt').beforeBytes, undefined, 'an edit never committed nor staged is not in git: hash only');
    assert.equal(only(set, 'c.txt').before?.hash, sha('c local\n'));
    assert.deepEqual(await gitTree(join(root, '.git')), before, 'nothing under .git was written');
    await capture.dispose();
  });

  it('over its budget, the cache keeps what git cannot give back: unsaved and untracked files keep their old bytes, the rest come from git', async () => {
    const files: Record<string, string> = { 'edited.txt': 'edited, committed\n', 'staged.txt': 'staged, committed\n' };
    for (let i = 0; i < 20; i++) files[`clean/c${String(i).padStart(2, '0')}.txt`] = `clean ${i} `.padEnd(9, '.') + '\n';
    const root = await scratch.workspace(files);
    await sh(root, `git init -q && ${GIT} add -A && ${GIT} commit -qm init && printf 'edited, not committed\n' > edited.txt && printf 'never added\n' > untracked.txt && printf 'staged, not committed\n' > staged.txt && git add staged.txt`);
    // Room for the two files git does not have (22 + 12 bytes), not for the 200 bytes of clean files and the staged file beside them.
    const capture = scratch.capture(root, { contentStore: new MemoryContentStore(40) });
    const baseline = await capture.start();
    assert.equal(baseline.spareBytes, 200 + 'staged, not committed\n'.length, 'the clean files and the staged one are in the index');
    const before = await gitTree(join(root, '.git'));
    const set = await captureCommand(capture, root, "for f in edited.txt untracked.txt staged.txt clean/c03.txt clean/c17.txt; do printf 'changed\\n' > $f; done");
    assert.deepEqual(summary(set), ['clean/c03.txt modified', 'clean/c17.txt modified', 'edited.txt modified', 'staged.txt modified', 'untracked.txt modified']);
    assert.equal(text(only(set, 'edited.txt').beforeBytes), 'edited, not committed\n', 'kept by the cache: git has only the committed version');
    assert.equal(text(only(set, 'untracked.txt').beforeBytes), 'never added\n', 'kept by the cache: git has nothing');
    assert.equal(text(only(set, 'staged.txt').beforeBytes), 'staged, not committed\n', 'from the index');
    assert.equal(text(only(set, 'clean/c03.txt').beforeBytes), files['clean/c03.txt']);
    assert.equal(text(only(set, 'clean/c17.txt').beforeBytes), files['clean/c17.txt']);
    assert.deepEqual(await gitTree(join(root, '.git')), before, 'nothing under .git was written');
    await capture.dispose();
  });

  it('a checkout that moves both the index and HEAD: the dropped old contents come back by the blob id the baseline saw', async () => {
    const root = await scratch.workspace({ 'a.txt': 'on main\n', 'b.txt': 'same\n' });
    await sh(root, `git init -q -b main && ${GIT} add -A && ${GIT} commit -qm init && git checkout -qb other && printf 'on other\n' > a.txt && ${GIT} commit -qam other && git checkout -q main`);
    const capture = scratch.capture(root, { contentStore: new MemoryContentStore(1) });
    assert.equal((await capture.start()).spareBytes, 'on main\n'.length + 'same\n'.length);
    const set = await captureCommand(capture, root, 'git checkout -q other');
    assert.deepEqual(summary(set), ['a.txt modified']);
    assert.equal(text(only(set, 'a.txt').afterBytes), 'on other\n');
    assert.equal(text(only(set, 'a.txt').beforeBytes), 'on main\n', 'neither the index nor HEAD has it now: the blob id does');
    await capture.dispose();
  });

  it('the index ids: git\'s ids of the workspace\'s files, by workspace path (a subfolder sees its own)', async () => {
    const repo = await scratch.workspace({ 'pkg/a.ts': 'export const a = 1;\n', 'a.ts': 'the root one\n', 'pkg/odd name.txt': 'odd\n' });
    await sh(repo, `git init -q && ${GIT} add -A && ${GIT} commit -qm init && ln -s a.ts pkg/link.ts && git add pkg/link.ts`);
    const ids = await new GitContents(join(repo, 'pkg')).indexIds();
    assert.deepEqual([...ids.keys()].sort(), ['a.ts', 'odd name.txt'], 'regular files only, relative to the workspace');
    assert.equal(ids.get('a.ts'), blobId(Buffer.from('export const a = 1;\n'), ids.get('a.ts') as string));
    assert.equal((await new GitContents(repo, { git: '/nonexistent/git' }).indexIds()).size, 0);
  });

  it('a workspace in a subfolder of the repository: paths are the workspace\'s; no fsmonitor hook runs', async () => {
    const repo = await scratch.workspace({ 'pkg/a.ts': 'export const a = 1;\n', 'a.ts': 'the root one\n', 'odd name: @{1}.txt': 'odd\n' });
    await sh(repo, `git init -q && ${GIT} add -A && ${GIT} commit -qm init && git config core.fsmonitor "touch fsmonitor-ran"`);
    const git = new GitContents(join(repo, 'pkg'));
    const got = await git.recall([{ path: 'a.ts', hash: sha('export const a = 1;\n'), size: 20 }]);
    assert.equal(text(got.get('a.ts')), 'export const a = 1;\n', 'pkg/a.ts, not the root a.ts');
    const odd = await new GitContents(repo).recall([{ path: 'odd name: @{1}.txt', hash: sha('odd\n'), size: 4 }]);
    assert.equal(text(odd.get('odd name: @{1}.txt')), 'odd\n');
    await assert.rejects(stat(join(repo, 'fsmonitor-ran')), 'the fsmonitor hook did not run');
    await assert.rejects(stat(join(repo, 'pkg', 'fsmonitor-ran')));
  });

  it('off, outside a repository, or without git: hash only, no error', async () => {
    const repo = await scratch.workspace({ 'a.txt': 'a\n' });
    await sh(repo, `git init -q && ${GIT} add -A && ${GIT} commit -qm init`);
    const off = scratch.capture(repo, { contentStore: new MemoryContentStore(1), gitContents: false });
    await off.start();
    assert.equal(only(await captureCommand(off, repo, "printf 'A\\n' > a.txt"), 'a.txt').beforeBytes, undefined);
    await off.dispose();

    const plain = await scratch.workspace({ 'a.txt': 'a\n' });
    const capture = scratch.capture(plain, { contentStore: new MemoryContentStore(1) });
    await capture.start();
    assert.equal(only(await captureCommand(capture, plain, "printf 'A\\n' > a.txt"), 'a.txt').beforeBytes, undefined);
    await capture.dispose();

    assert.equal((await new GitContents(repo, { git: '/nonexistent/git' }).recall([{ path: 'a.txt', hash: sha('A\n'), size: 2 }])).size, 0);
    const wrong = await new GitContents(repo).recall([{ path: 'a.txt', hash: sha('not what git has\n'), size: 2 }, { path: 'line\nbreak.txt', hash: sha('x'), size: 1 }]);
    assert.equal(wrong.size, 0, 'a version whose hash differs is never used');
  });
});
