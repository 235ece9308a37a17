import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import type { FileVersion } from '../../../src/core/ports/changeCapture';
import { captureCommand, captureScratch, only, sh, sha, summary, text } from './captureHarness';

/** A version without its permission bits (they depend on the umask; the test of modes checks them). */
const bits = (v: FileVersion | null | undefined) => {
  if (!v) return v;
  const { mode: _mode, ...rest } = v;
  return rest;
};

describe('NodeChangeCapture: changes made by commands', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('reports files a command creates, modifies and deletes, with their old and new bytes', async () => {
    const root = await tmp.workspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'src/c.ts': 'export const c = 1;\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'echo more >> a.txt && rm b.txt && echo new > src/d.ts');
    assert.deepEqual(summary(set), ['a.txt modified', 'b.txt deleted', 'src/d.ts created']);
    assert.equal(set.method, 'watch');
    const a = only(set, 'a.txt');
    assert.deepEqual(bits(a.before), { hash: sha('alpha\n'), size: 6 });
    assert.equal(text(a.beforeBytes), 'alpha\n');
    assert.equal(text(a.afterBytes), 'alpha\nmore\n');
    assert.equal(text(only(set, 'b.txt').beforeBytes), 'beta\n');
    assert.equal(only(set, 'b.txt').after, null);
    assert.equal(only(set, 'src/d.ts').before, null);
    assert.equal(text(only(set, 'src/d.ts').afterBytes), 'new\n');
  });

  it('records the execute bit of each side, so that a rewind can set it again (POSIX)', async function () {
    if (process.platform === 'win32') this.skip();
    const root = await tmp.workspace({ 'run.sh': 'echo run\n', 'plain.txt': 'p\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'chmod +x run.sh && echo more >> run.sh && rm run.sh && echo g > gen.sh && chmod 755 gen.sh && echo q >> plain.txt');
    assert.deepEqual(summary(set), ['gen.sh created', 'plain.txt modified', 'run.sh deleted']);
    assert.deepEqual(bits(only(set, 'gen.sh').after), { hash: sha('g\n'), size: 2, exec: true });
    assert.equal(only(set, 'plain.txt').after?.exec, undefined);
    // The bit the baseline saw: run.sh was made executable and deleted within the command.
    assert.equal(only(set, 'run.sh').before?.exec, undefined);
    const again = await captureCommand(capture, root, 'rm gen.sh');
    assert.deepEqual(bits(only(again, 'gen.sh').before), { hash: sha('g\n'), size: 2, exec: true });
    // A mode-only change is a change: a rewind to after it must know the bit.
    const chmodded = await captureCommand(capture, root, 'chmod +x plain.txt');
    assert.deepEqual(summary(chmodded), ['plain.txt modified']);
    assert.deepEqual([only(chmodded, 'plain.txt').before?.exec, only(chmodded, 'plain.txt').after?.exec], [undefined, true]);
    assert.equal(only(chmodded, 'plain.txt').before?.hash, only(chmodded, 'plain.txt').after?.hash);
  });

  it('records the permission bits of each side, so that a rewind re-creating a file a command deleted or moved gives them back (POSIX)', async function () {
    if (process.platform === 'win32') this.skip();
    const root = await tmp.workspace({ 'secret.env': 'TOKEN=1\n', 'id.key': 'KEY\n', 'tool.sh': 'echo\n' });
    const capture = tmp.capture(root);
    // Modes set before the baseline, and one changed between captures (chmod only: no change to report).
    await captureCommand(capture, root, 'chmod 600 secret.env && chmod 640 id.key && chmod 750 tool.sh');
    const set = await captureCommand(capture, root, 'rm secret.env && mv id.key moved.key && rm tool.sh && echo n > new.txt && chmod 604 new.txt');
    assert.deepEqual(summary(set), ['moved.key renamed id.key', 'new.txt created', 'secret.env deleted', 'tool.sh deleted']);
    assert.deepEqual(
      ['secret.env', 'moved.key', 'tool.sh', 'new.txt'].map((p) => [p, only(set, p).before?.mode, only(set, p).after?.mode]),
      [
        ['secret.env', 0o600, undefined],
        ['moved.key', 0o640, 0o640],
        ['tool.sh', 0o750, undefined],
        ['new.txt', undefined, 0o604],
      ],
    );
  });

  it('reports a move as a rename, and a moved directory as renames of its files', async () => {
    const root = await tmp.workspace({ 'old.ts': 'x\n', 'lib/a.ts': 'A\n', 'lib/deep/b.ts': 'B\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'mv old.ts new.ts && mv lib pkg');
    assert.deepEqual(summary(set), ['new.ts renamed old.ts', 'pkg/a.ts renamed lib/a.ts', 'pkg/deep/b.ts renamed lib/deep/b.ts']);
    assert.equal(text(only(set, 'new.ts').afterBytes), 'x\n');
    const again = await captureCommand(capture, root, 'echo C >> pkg/deep/b.ts');
    assert.deepEqual(summary(again), ['pkg/deep/b.ts modified']);
    assert.equal(text(only(again, 'pkg/deep/b.ts').beforeBytes), 'B\n');
  });

  it('sees sed -i, which replaces the file by a new inode', async () => {
    const root = await tmp.workspace({ 'conf.ini': 'name=old\nsize=1\n' });
    const capture = tmp.capture(root);
    const ino = (await stat(path.join(root, 'conf.ini'))).ino;
    const set = await captureCommand(capture, root, "sed -i 's/old/new/' conf.ini");
    assert.notEqual((await stat(path.join(root, 'conf.ini'))).ino, ino);
    assert.deepEqual(summary(set), ['conf.ini modified']);
    assert.equal(text(only(set, 'conf.ini').beforeBytes), 'name=old\nsize=1\n');
    assert.equal(text(only(set, 'conf.ini').afterBytes), 'name=new\nsize=1\n');
  });

  it('captures a command writing 500 files into new nested directories', async () => {
    const root = await tmp.workspace({ 'package.json': '{}\n' });
    const capture = tmp.capture(root);
    const script = 'for d in 0 1 2 3 4; do mkdir -p gen/$d/x; for i in $(seq 1 100); do echo "file $d $i" > gen/$d/x/f$i.ts; done; done';
    const set = await captureCommand(capture, root, script);
    assert.equal(set.changes.length, 500);
    assert.ok(set.changes.every((c) => c.kind === 'created' && c.path.startsWith('gen/')));
    assert.equal(text(only(set, 'gen/3/x/f42.ts').afterBytes), 'file 3 42\n');
    const next = await captureCommand(capture, root, 'echo changed > gen/4/x/f100.ts && rm -r gen/0');
    assert.equal(next.changes.length, 101);
    assert.equal(text(only(next, 'gen/4/x/f100.ts').beforeBytes), 'file 4 100\n');
    assert.equal(only(next, 'gen/0/x/f7.ts').kind, 'deleted');
  });

  it('reports a directory removed and recreated with partly different files', async () => {
    const root = await tmp.workspace({ 'd/same.ts': 'same\n', 'd/changed.ts': 'one\n', 'd/removed.ts': 'r\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'rm -rf d && mkdir d && echo same > d/same.ts && echo two > d/changed.ts && echo n > d/added.ts');
    assert.deepEqual(summary(set), ['d/added.ts created', 'd/changed.ts modified', 'd/removed.ts deleted']);
    const later = await captureCommand(capture, root, 'echo three > d/changed.ts');
    assert.deepEqual(summary(later), ['d/changed.ts modified']);
  });

  it('reports a file replaced by a directory, and a directory replaced by a file', async () => {
    const root = await tmp.workspace({ 'x': 'file\n', 'y/inner.ts': 'inner\n' });
    const capture = tmp.capture(root);
    const set = await captureCommand(capture, root, 'rm x && mkdir x && echo in > x/a.ts && rm -r y && echo other > y');
    assert.deepEqual(summary(set), ['x deleted', 'x/a.ts created', 'y created', 'y/inner.ts deleted']);
    assert.deepEqual(summary(await captureCommand(capture, root, 'echo more >> x/a.ts && echo more >> y')), ['x/a.ts modified', 'y modified']);
  });

  it('marks binary and oversized files: a binary one keeps only its old bytes (for a rewind), an oversized one only hash and size', async () => {
    const big = 'y'.repeat(3000);
    const root = await tmp.workspace({ 'img.bin': Buffer.from([137, 80, 0, 1]), 'big.log': big, 'small.txt': 's' });
    const capture = tmp.capture(root, { maxFileBytes: 2048 });
    const set = await captureCommand(capture, root, "printf '\\000\\001\\002' >> img.bin && echo z >> big.log && head -c 5000 big.log > copy.txt");
    const bin = only(set, 'img.bin');
    assert.equal(bin.binary, true);
    assert.equal(bin.tooLarge, false);
    assert.deepEqual(Buffer.from(bin.beforeBytes ?? []), Buffer.from([137, 80, 0, 1]));
    assert.equal(bin.afterBytes, undefined);
    assert.deepEqual(bits(bin.after), { hash: sha(Buffer.from([137, 80, 0, 1, 0, 1, 2])), size: 7 });
    const log = only(set, 'big.log');
    assert.equal(log.tooLarge, true);
    assert.equal(log.binary, false);
    assert.deepEqual(bits(log.before), { hash: sha(big), size: 3000 });
    assert.deepEqual(bits(log.after), { hash: sha(`${big}z\n`), size: 3002 });
    assert.equal(log.afterBytes, undefined);
    assert.equal(only(set, 'copy.txt').tooLarge, true);
  });

  it('reports only its own changes in consecutive captures, not the edits made between them', async () => {
    const root = await tmp.workspace({ 'a.txt': '1\n', 'b.txt': '1\n' });
    const capture = tmp.capture(root);
    void capture.start();
    await sh(root, 'echo before-first >> b.txt');
    const first = await captureCommand(capture, root, 'echo 2 >> a.txt');
    assert.deepEqual(summary(first), ['a.txt modified']);
    await sh(root, 'echo user >> b.txt && echo user > c.txt');
    const second = await captureCommand(capture, root, 'echo 3 >> a.txt && echo step >> b.txt');
    assert.deepEqual(summary(second), ['a.txt modified', 'b.txt modified']);
    assert.equal(text(only(second, 'a.txt').beforeBytes), '1\n2\n');
    assert.equal(text(only(second, 'b.txt').beforeBytes), '1\nbefore-first\nuser\n');
    assert.deepEqual(summary(await captureCommand(capture, root, 'true')), []);
    const undone = await captureCommand(capture, root, 'cp a.txt a.bak && echo x >> a.txt && mv a.bak a.txt && echo t > tmp && rm tmp');
    assert.deepEqual(summary(undone), []);
  });

  it('gives no old bytes once the content store dropped them, but still the old hash', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a'.repeat(100), 'b.txt': 'b'.repeat(100) });
    const capture = tmp.capture(root, { contentStore: new MemoryContentStore(150) });
    const set = await captureCommand(capture, root, 'echo >> a.txt && echo >> b.txt');
    const withBytes = set.changes.filter((c) => c.beforeBytes !== undefined);
    assert.equal(withBytes.length, 1);
    for (const c of set.changes) assert.equal(c.before?.size, 100);
  });
});
