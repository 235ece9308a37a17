import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { captureCommand, captureScratch, sh, snapshotTree, summary } from './captureHarness';

describe('NodeChangeCapture: what is never reported', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('never reports .git, and leaves the repository byte for byte as it was', async () => {
    const root = await tmp.workspace({ 'src/a.ts': 'a\n', '.gitignore': 'dist/\n' });
    await sh(root, 'git init -q && git -c user.email=t@t -c user.name=t add -A && git -c user.email=t@t -c user.name=t commit -qm init');
    const gitBefore = await snapshotTree(path.join(root, '.git'));
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'echo b >> src/a.ts && echo n > src/new.ts && rm src/new.ts && echo m > src/m.ts');
    assert.deepEqual(summary(set), ['src/a.ts modified', 'src/m.ts created']);
    await capture.dispose();
    assert.deepEqual(await snapshotTree(path.join(root, '.git')), gitBefore);

    const again = tmp.capture(root);
    const gitWrites = await captureCommand(again, root, 'echo junk > .git/savepoint-test && echo x >> .git/description && mkdir -p sub/.git && echo y > sub/.git/HEAD');
    assert.deepEqual(summary(gitWrites), []);
  });

  it('skips gitignored paths (root, nested, negated), node_modules and the user ignore globs', async () => {
    const root = await tmp.workspace({
      '.gitignore': '*.log\n/build\n',
      'pkg/.gitignore': 'cache/\n!keep.log\n',
      'src/a.ts': 'a\n',
      'build/out.js': 'o\n',
      'node_modules/x/index.js': 'x\n',
    });
    const capture = tmp.capture(root, { ignore: ['**/*.snap', 'secrets/**'] });
    const script = [
      'echo l > app.log',
      'echo b >> build/out.js',
      'echo c > build/new.js',
      'mkdir -p pkg/cache/deep && echo c > pkg/cache/deep/c.ts',
      'echo k > pkg/keep.log',
      'echo o > pkg/other.log',
      'npm_fake() { mkdir -p node_modules/y; echo y > node_modules/y/index.js; echo x2 >> node_modules/x/index.js; }; npm_fake',
      'echo s > a.snap',
      'mkdir -p secrets && echo k > secrets/key',
      'echo ok > src/b.ts',
    ].join(' && ');
    const set = await captureCommand(capture, root, script);
    assert.deepEqual(summary(set), ['pkg/keep.log created', 'src/b.ts created']);
  });

  it('takes ignore globs written from the root ("/gen/**", "./tmp/**") as the same globs without the prefix', async () => {
    const root = await tmp.workspace({ 'src/a.ts': 'a\n', 'gen/old.ts': 'g\n' });
    const capture = tmp.capture(root, { ignore: ['/gen/**', './tmp/**', '/notes.md'] });
    const set = await captureCommand(capture, root, 'echo g2 >> gen/old.ts && mkdir -p tmp gen/deep src/gen && echo t > tmp/t.txt && echo d > gen/deep/d.ts && echo n > notes.md && echo s > src/gen/s.ts && echo b >> src/a.ts');
    assert.deepEqual(summary(set), ['src/a.ts modified', 'src/gen/s.ts created']);
  });

  for (const [mode, options] of [
    ['with the watcher', {}],
    ['without it', { watch: false }],
  ] as const) {
    it(`a tracked file replaced by a folder the rules ignore (out made out/, with out/ ignored) is reported deleted in that step, ${mode}`, async () => {
      const root = await tmp.workspace({ '.gitignore': 'out/\n', out: 'notes\n', 'a.txt': 'a\n' });
      const capture = tmp.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, 'rm out && mkdir out && echo 1 > out/x.js');
      assert.deepEqual(summary(set), ['out deleted']);
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 2 >> a.txt && echo 2 > out/x.js')), ['a.txt modified']);
    });
  }

  it("skips what the repository's .git/info/exclude ignores, unless a .gitignore says otherwise", async () => {
    const root = await tmp.workspace({ '.git/info/exclude': 'scratch/\n*.local\n', '.gitignore': '!keep.local\n', 'src/a.ts': 'a\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'mkdir -p scratch && echo n > scratch/notes.md && echo l > a.local && echo k > keep.local && echo b >> src/a.ts');
    assert.deepEqual(summary(set), ['keep.local created', 'src/a.ts modified']);
  });

  for (const [mode, options] of [
    ['with the watcher', {}],
    ['without it', { watch: false }],
  ] as const) {
    it(`a path added to .git/info/exclude between commands stops being captured, as one added to the root .gitignore does, ${mode}`, async () => {
      const root = await tmp.workspace({ '.git/info/exclude': '# none\n', 'src/a.ts': 'a\n' });
      const capture = tmp.capture(root, options);
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo b >> src/a.ts')), ['src/a.ts modified']);
      await writeFile(path.join(root, '.git/info/exclude'), 'secrets/\n');
      const set = await captureCommand(capture, root, 'mkdir -p secrets && echo k > secrets/key && echo c >> src/a.ts');
      assert.deepEqual(summary(set), ['src/a.ts modified']);
      // And taken out again: the folder is tracked from then on (what it holds is baseline, not a change).
      await writeFile(path.join(root, '.git/info/exclude'), '# none\n');
      const later = await captureCommand(capture, root, 'echo k2 > secrets/key && echo d >> src/a.ts');
      assert.deepEqual(summary(later), ['secrets/key modified', 'src/a.ts modified']);
    });
  }

  it("leaves out Savepoint's own staged files by their exact name, and tracks a user's look-alike", async () => {
    const root = await tmp.workspace({ 'a.txt': 'a\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'echo s > .savepoint-0123456789abcdef01234567.tmp && echo t > .savepoint-s1c1-0123456789abcdef01234567.tmp && echo n > .savepoint-notes.tmp && echo b > .savepoint-backup-1.tmp');
    assert.deepEqual(summary(set), ['.savepoint-backup-1.tmp created', '.savepoint-notes.tmp created']);
  });

  it('tracks node_modules when it is not in the excluded directories', async () => {
    const root = await tmp.workspace({ 'node_modules/x/index.js': 'x\n' });
    const capture = tmp.capture(root, { excludeDirs: [] });
    const set = await captureCommand(capture, root, 'echo 2 >> node_modules/x/index.js');
    assert.deepEqual(summary(set), ['node_modules/x/index.js modified']);
  });

  it('never follows symlinks: a link is reported as itself, never entered nor read through', async () => {
    const root = await tmp.workspace({ 'real/a.ts': 'a\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'ln -s real link && ln -s real/a.ts alias.ts && echo b > real/b.ts');
    assert.deepEqual(summary(set), ['alias.ts created', 'link created', 'real/b.ts created']);
    assert.deepEqual(set.changes.map((c) => [c.after?.link, c.afterBytes === undefined]), [['real/a.ts', true], ['real', true], [undefined, false]]);
  });
});
