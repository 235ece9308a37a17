import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureFilter } from '../../../src/core/node/captureFilter';
import { CAPTURE_MODES, captureCommand, captureScratch, snapshotTree, summary } from './captureHarness';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

/** The paths among `paths` that `git check-ignore` run in `cwd` calls ignored. */
function gitIgnored(cwd: string, paths: readonly string[]): string[] {
  const r = spawnSync('git', ['check-ignore', ...paths], { cwd, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

async function filterIgnored(root: string, paths: readonly string[]): Promise<string[]> {
  const f = new CaptureFilter(root);
  const out: string[] = [];
  for (const p of paths) if (await f.excludesPath(p, false)) out.push(p);
  return out;
}

describe('NodeChangeCapture in a workspace that is a folder of a repository: the repository\'s ignore rules apply', function () {
  this.timeout(60_000);
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  for (const [mode, options] of CAPTURE_MODES) {
    it(`build output and logs the repository root's .gitignore names are not taken as a command's changes, and nothing in .git is written, ${mode}`, async () => {
      const repo = await tmp.workspace({ '.gitignore': 'dist/\n*.log\n', 'app/src/a.ts': 'a\n' });
      git(repo, 'init', '-q');
      const root = path.join(repo, 'app');
      // git itself ignores them from inside the folder:
      assert.equal(git(root, 'check-ignore', 'dist/o.js', 'x.log'), 'dist/o.js\nx.log\n');
      const before = await snapshotTree(path.join(repo, '.git'));
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, 'mkdir -p dist && echo o > dist/o.js && echo l > x.log && echo b >> src/a.ts');
      assert.deepEqual(summary(set), ['src/a.ts modified']);
      assert.deepEqual(await snapshotTree(path.join(repo, '.git')), before, 'nothing under .git was written');
    });

    it(`a change to a .gitignore above the workspace applies from the next step on, ${mode}`, async () => {
      const repo = await tmp.workspace({ '.gitignore': '*.log\n', 'app/src/a.ts': 'a\n', 'app/out/x.js': 'x\n' });
      git(repo, 'init', '-q');
      const root = path.join(repo, 'app');
      const capture = tmp.capture(root, options);
      await capture.start();
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 2 >> out/x.js')), ['out/x.js modified']);
      await writeFile(path.join(repo, '.gitignore'), '*.log\nout/\n');
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 3 >> out/x.js && echo b >> src/a.ts')), ['src/a.ts modified']);
    });
  }

  it('anchored patterns, a slash in the middle, **, negations, nested .gitignore files and info/exclude match as git check-ignore matches them', async () => {
    const repo = await tmp.workspace({
      '.gitignore': ['dist/', '*.log', '!keep.log', '/top-only', '/packages/app/anchored', 'packages/app/mid/slash.txt', 'app/rel.txt', '**/deep/*.tmp', 'packages/**/gen/', ''].join('\n'),
      'packages/.gitignore': ['/app/built', 'coverage', '*.bak', '!app/x.bak', ''].join('\n'),
      'packages/app/.gitignore': '!important.log\n',
    });
    git(repo, 'init', '-q');
    await writeFile(path.join(repo, '.git/info/exclude'), 'secret.txt\n/packages/app/local/\n');
    const root = path.join(repo, 'packages/app');
    const files = [
      'dist/o.js', 'src/dist/o.js', 'x.log', 'keep.log', 'important.log', 'top-only', 'anchored', 'sub/anchored', 'mid/slash.txt',
      'sub/mid/slash.txt', 'rel.txt', 'a/deep/b.tmp', 'deep/c.tmp', 'src/gen/g.ts', 'built/x.js', 'sub/built/x.js', 'coverage/c.json',
      'x.bak', 'y.bak', 'secret.txt', 'sub/secret.txt', 'local/l.txt', 'src/local/l.txt', 'src/a.ts',
    ];
    for (const f of files) {
      await mkdir(path.dirname(path.join(root, f)), { recursive: true });
      await writeFile(path.join(root, f), 'x\n');
    }
    const byGit = gitIgnored(root, files);
    assert.ok(byGit.length > 10 && byGit.length < files.length - 5, `a mix of ignored and tracked paths: ${byGit.join(', ')}`);
    assert.deepEqual(await filterIgnored(root, files), byGit);
  });

  it('a folder of a linked worktree takes the main repository\'s info/exclude; a folder of a submodule takes the submodule\'s rules, not the superproject\'s', async () => {
    const repo = await tmp.workspace({ '.gitignore': 'dist/\n', 'app/a.ts': 'a\n' });
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'one');
    await writeFile(path.join(repo, '.git/info/exclude'), '*.secret\n');
    const wt = `${repo}-wt`;
    git(repo, 'worktree', 'add', '-q', wt);
    try {
      const root = path.join(wt, 'app');
      await writeFile(path.join(root, 'k.secret'), 'k\n');
      const capture = tmp.capture(root);
      await capture.start();
      const set = await captureCommand(capture, root, 'mkdir -p dist && echo o > dist/o.js && echo s > n.secret && echo b >> a.ts');
      assert.deepEqual(summary(set), ['a.ts modified']);
      assert.deepEqual(gitIgnored(root, ['dist/o.js', 'n.secret', 'a.ts']), ['dist/o.js', 'n.secret']);
    } finally {
      git(repo, 'worktree', 'remove', '--force', wt);
    }

    // A submodule's folder: its .git file points into the superproject's modules/ (made by hand: no network, no clone).
    const superRepo = await tmp.workspace({ '.gitignore': '*.log\n', 'sub/.git': 'gitdir: ../.git/modules/sub\n', 'sub/lib/a.ts': 'a\n' });
    git(superRepo, 'init', '-q');
    await mkdir(path.join(superRepo, '.git/modules/sub/info'), { recursive: true });
    await writeFile(path.join(superRepo, '.git/modules/sub/info/exclude'), '*.secret\n');
    assert.deepEqual(await filterIgnored(path.join(superRepo, 'sub/lib'), ['x.log', 'k.secret', 'a.ts']), ['k.secret']);
  });

  it('a workspace its repository ignores whole is still captured (only its own rules apply)', async () => {
    const repo = await tmp.workspace({ '.gitignore': '/vendor/\n*.log\n', 'vendor/lib/src/a.ts': 'a\n' });
    git(repo, 'init', '-q');
    const root = path.join(repo, 'vendor/lib');
    const capture = tmp.capture(root);
    await capture.start();
    const set = await captureCommand(capture, root, 'echo l > x.log && echo b >> src/a.ts');
    assert.deepEqual(summary(set), ['src/a.ts modified', 'x.log created']);
  });
});
