import assert from 'node:assert/strict';
import { stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { CAPTURE_MODES, captureCommand, captureScratch, summary, text } from './captureHarness';

/**
 * A command that moves files (`mv`, `git mv`) keeps their inodes, sizes and modification times: the
 * capture takes their contents from what it already holds instead of reading every moved file again
 * (a `mv src lib` of a large tree read all of it), and reads them when anything says they may differ.
 */
describe('capture: files moved by a command', () => {
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  /** A workspace of `n` files under src/, dated an hour back, and left alone a moment (their ctime is now), so that no entry is racy when the baseline reads it. */
  async function tree(n: number): Promise<string> {
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`src/m${i % 3}/f${i}.ts`] = `export const f${i} = ${i};\n// ${'x'.repeat(i)}\n`;
    const root = await scratch.workspace(files);
    const past = new Date(Date.now() - 3600_000);
    for (const rel of Object.keys(files)) await utimes(path.join(root, rel), past, past);
    await new Promise((r) => setTimeout(r, 120));
    return root;
  }

  for (const [mode, options] of CAPTURE_MODES) {
    it(`${mode}: a moved tree is recorded as renames with its bytes, without reading the moved files`, async () => {
      const root = await tree(30);
      const capture = scratch.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, 'mv src lib');
      assert.equal(set.changes.length, 30);
      for (const c of set.changes) {
        assert.equal(c.kind, 'renamed', `${c.path} ${c.kind}`);
        assert.equal(c.from, c.path.replace(/^lib\//, 'src/'));
        const i = Number(/f(\d+)\.ts$/.exec(c.path)?.[1]);
        const want = `export const f${i} = ${i};\n// ${'x'.repeat(i)}\n`;
        assert.equal(text(c.afterBytes), want, c.path);
        assert.equal(text(c.beforeBytes), want, c.path);
        assert.equal(c.afterUnkept, undefined, c.path);
      }
      assert.equal(set.hashed, 0, 'no moved file is read again');
    });
  }

  it('a moved file whose size or mode changed in the same command is read, and recorded as it is now', async () => {
    const root = await tree(3);
    const capture = scratch.capture(root);
    await capture.start();
    const set = await captureCommand(capture, root, 'mv src/m0/f0.ts a.ts && printf more >> a.ts && mv src/m1/f1.ts b.sh && chmod +x b.sh');
    assert.deepEqual(summary(set), ['a.ts created', 'b.sh renamed src/m1/f1.ts', 'src/m0/f0.ts deleted']);
    assert.equal(text(set.changes[0]?.afterBytes), 'export const f0 = 0;\n// \nmore');
    assert.equal(set.changes[1]?.after?.exec, true);
  });

  it('a moved file whose entry is racy (its time not before the baseline read it) is read again', async () => {
    const root = await scratch.workspace({ 'fresh.txt': 'just written\n' });
    // Dated ahead (a skewed clock, or written as it was read): its entry cannot vouch for its bytes.
    const ahead = new Date(Date.now() + 60_000);
    await utimes(path.join(root, 'fresh.txt'), ahead, ahead);
    const capture = scratch.capture(root);
    await capture.start();
    const set = await captureCommand(capture, root, 'mv fresh.txt moved.txt');
    assert.deepEqual(summary(set), ['moved.txt renamed fresh.txt']);
    assert.equal(text(set.changes[0]?.afterBytes), 'just written\n');
    assert.equal(set.hashed, 1);
  });

  for (const [mode, options] of CAPTURE_MODES) {
    it(`${mode}: a file deleted, and a new one of the same size and time that gets its inode (tar, unzip, cp -p set the time), is a deletion and a creation with the new bytes`, async function () {
      const root = await scratch.workspace({ 'a.txt': 'AAAA\n' });
      // The time npm pack gives every file of a package: files extracted from one archive share it.
      const packed = new Date(499162500_000);
      await utimes(path.join(root, 'a.txt'), packed, packed);
      await new Promise((r) => setTimeout(r, 120));
      const ino = (await stat(path.join(root, 'a.txt'))).ino;
      const capture = scratch.capture(root, options);
      await capture.start();
      const set = await captureCommand(capture, root, "rm a.txt && printf 'BBBB\\n' > b.txt && touch -d @499162500 b.txt");
      // The file system must give the freed inode to the new file (ext4 does), else nothing here can mislead the capture.
      if ((await stat(path.join(root, 'b.txt'))).ino !== ino) this.skip();
      assert.deepEqual(summary(set), ['a.txt deleted', 'b.txt created']);
      assert.equal(text(set.changes[1]?.afterBytes), 'BBBB\n');
      assert.deepEqual(summary(await captureCommand(capture, root, 'cat b.txt > /dev/null')), [], 'the index holds what b.txt holds');
    });
  }
});
