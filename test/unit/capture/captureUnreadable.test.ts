import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A command that makes files or a folder unreadable (`chmod 000`: testing a permission error,
 * locking down a secret) deletes nothing: the capture reports them unchanged, not deleted, and the
 * `chmod` back not as their creation (a rewind to between the two would delete files that existed
 * all along). Run as an unprivileged user (root reads anything); skipped where that is not possible.
 */
const NOBODY = 65534;

function canDropPrivileges(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the capture as `nobody` over two commands; prints each change set's summary. */
const script = (capturePath: string) => `
const { NodeChangeCapture } = require(${JSON.stringify(capturePath)});
const { execFileSync } = require('node:child_process');
(async () => {
  const root = process.argv[2];
  const out = {};
  for (const [mode, options] of [['watch', {}], ['sweep', { watch: false }]]) {
    const c = new NodeChangeCapture(root, options);
    await c.start();
    const steps = [];
    for (const cmd of ['chmod 000 dir secret.txt', 'chmod 755 dir && chmod 644 secret.txt']) {
      const m = await c.begin();
      execFileSync('sh', ['-c', cmd], { cwd: root });
      const set = await c.end(m);
      steps.push(set.changes.map((x) => x.path + ' ' + x.kind));
    }
    out[mode] = steps;
    await c.dispose();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** Runs the watched capture as `nobody` over a command that adds a folder it cannot read; prints what it used. */
const watchScript = (capturePath: string) => `
const { NodeChangeCapture } = require(${JSON.stringify(capturePath)});
const { execFileSync } = require('node:child_process');
(async () => {
  const root = process.argv[2];
  const c = new NodeChangeCapture(root, {});
  const { watchedDirs } = await c.start();
  const steps = [];
  for (const cmd of ['echo b >> src/a.ts && mkdir locked && chmod 000 locked', 'echo c >> src/a.ts && echo n > src/n.ts']) {
    const m = await c.begin();
    execFileSync('sh', ['-c', cmd], { cwd: root });
    const set = await c.end(m);
    steps.push([set.method, ...set.changes.map((x) => x.path + ' ' + x.kind)]);
  }
  process.stdout.write(JSON.stringify({ watchedDirs, watching: c.isWatching, steps }));
  await c.dispose();
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('files made unreadable by a command (POSIX, unprivileged)', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('chmod 000 on a folder and a file is not reported as their deletion, nor chmod back as their creation', async function () {
    if (!canDropPrivileges()) this.skip();
    root = await mkdtemp(path.join(tmpdir(), 'savepoint-review-perm-'));
    const ws = root;
    await exec('sh', ['-c', 'mkdir dir && echo a > dir/a.txt && echo b > dir/b.txt && echo s > secret.txt'], { cwd: ws });
    await exec('chown', ['-R', `${NOBODY}:${NOBODY}`, ws]);
    await chmod(ws, 0o755);
    const runner = path.join(ws, '..', `${path.basename(ws)}-run.js`);
    await writeFile(runner, script(path.resolve(__dirname, '../../../src/core/node/nodeChangeCapture.js')));
    await chown(runner, NOBODY, NOBODY);
    try {
      const { stdout } = await exec('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, runner, ws]);
      const out = JSON.parse(stdout) as Record<string, string[][]>;
      assert.deepEqual(out, { watch: [[], []], sweep: [[], []] });
    } finally {
      await rm(runner, { force: true });
    }
  });

  it("a folder the user cannot read (a container's data folder owned by root) leaves the watcher on for the rest of the workspace", async function () {
    if (!canDropPrivileges()) this.skip();
    root = await mkdtemp(path.join(tmpdir(), 'savepoint-review-perm-'));
    const ws = root;
    await exec('sh', ['-c', 'mkdir src pgdata && echo a > src/a.ts && echo s > pgdata/s'], { cwd: ws });
    await exec('chown', ['-R', `${NOBODY}:${NOBODY}`, path.join(ws, 'src')]);
    await exec('chown', [`${NOBODY}:${NOBODY}`, ws]);
    await chmod(path.join(ws, 'pgdata'), 0o700);
    const runner = path.join(ws, '..', `${path.basename(ws)}-run.js`);
    await writeFile(runner, watchScript(path.resolve(__dirname, '../../../src/core/node/nodeChangeCapture.js')));
    await chown(runner, NOBODY, NOBODY);
    try {
      const { stdout } = await exec('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, runner, ws]);
      assert.deepEqual(JSON.parse(stdout), { watchedDirs: 2, watching: true, steps: [['watch', 'src/a.ts modified'], ['watch', 'src/a.ts modified', 'src/n.ts created']] });
    } finally {
      await rm(runner, { force: true });
    }
  });
});
