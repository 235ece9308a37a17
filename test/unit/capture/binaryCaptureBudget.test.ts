import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { captureCommand, captureScratch, sha, text } from './captureHarness';

/**
 * The capture keeps the bytes of binary files within the size limit (a rewind restores them), but
 * within a budget: a command that rewrites hundreds of MB of assets (a checkout, an image
 * optimiser, a build output that is not ignored) must not be held in memory at once, and a
 * workspace's assets must not push its sources out of the content store.
 */
describe('capture: the bytes of binary files are kept within a budget', function () {
  this.timeout(300_000);
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('a command that rewrites 480 MB of binary files grows memory by less than 4x the content store budget; the files past it are listed by hash', async () => {
    const FILES = 120;
    const SIZE = 4 * 1024 * 1024; // within the 5 MB limit
    const root = await tmp.workspace();
    const chunk = Buffer.alloc(SIZE);
    for (let i = 0; i < FILES; i++) {
      chunk.fill(i & 0x7f);
      chunk[0] = 0; // binary: a NUL in the first 8,000 bytes
      const fh = await open(path.join(root, `asset${i}.bin`), 'w');
      await fh.write(chunk);
      await fh.close();
    }
    const budget = 32 * 1024 * 1024;
    const capture = tmp.capture(root, { contentStore: new MemoryContentStore(budget), watch: false, gitContents: false });
    await capture.start();
    global.gc?.();
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    // The command changes one byte of each asset.
    const set = await captureCommand(capture, root, `for f in asset*.bin; do printf '\\377' | dd of="$f" bs=1 seek=1 conv=notrunc status=none; done`);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    clearInterval(timer);
    assert.equal(set.changes.length, FILES);
    const grownMB = Math.round((peak - base) / 1024 / 1024);
    assert.ok(grownMB < 4 * (budget / 1024 / 1024), `the capture held ${grownMB} MB more at its peak (content store budget 32 MB; 480 MB of binary files changed)`);
    for (const c of set.changes) {
      assert.equal(c.binary, true, c.path);
      assert.match(c.after?.hash ?? '', /^[0-9a-f]{64}$/, `${c.path} is listed by its new hash`);
    }
    // Those the store still had keep their old bytes (a rewind restores them), and they are the right ones.
    const kept = set.changes.filter((c) => c.beforeBytes);
    assert.ok(kept.length > 0, 'the old bytes of the assets the store still had are kept');
    for (const c of kept) assert.equal(sha(c.beforeBytes as Uint8Array), c.before?.hash, c.path);
  });

  it('binary assets in the baseline do not push the sources out of the content store: a command\'s edit of a source keeps its old bytes', async () => {
    const files: Record<string, string | Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`config${i}.ts`] = `export const port${i} = 8080;\n`;
    for (let i = 0; i < 24; i++) {
      const b = new Uint8Array(1024 * 1024).fill(i + 1);
      b[0] = 0;
      files[`assets/img${String(i).padStart(2, '0')}.png`] = b;
    }
    const root = await tmp.workspace(files);
    // 8 MB stands for the default 128 MB, the 24 MB of assets for a few hundred MB of them.
    const capture = tmp.capture(root, { contentStore: new MemoryContentStore(8 * 1024 * 1024), gitContents: false });
    await capture.start();
    const set = await captureCommand(capture, root, "sed -i 's/8080/9090/' config*.ts");
    const lost = set.changes.filter((c) => !text(c.beforeBytes)?.endsWith(' = 8080;\n')).map((c) => c.path);
    assert.equal(set.changes.length, 20);
    assert.deepEqual(lost, [], 'the old source is kept: a rewind restores it');
  });

  it('the new bytes of an asset a command rewrote give the old bytes of its next change while the budget admits them, and only then', async () => {
    const img = (fill: number) => {
      const b = new Uint8Array(64 * 1024).fill(fill);
      b[0] = 0;
      return b;
    };
    for (const [budget, kept] of [[1024 * 1024, true], [32 * 1024, false]] as const) {
      const root = await tmp.workspace({ 'logo.png': img(1), 'a.ts': 'export {};\n' });
      const capture = tmp.capture(root, { contentStore: new MemoryContentStore(8 * 1024 * 1024), gitContents: false, binaryBytesPerCapture: budget });
      await capture.start();
      await captureCommand(capture, root, "printf '\\002' | dd of=logo.png bs=1 seek=5 conv=notrunc status=none");
      const second = await captureCommand(capture, root, 'rm logo.png');
      const was = img(1);
      was[5] = 2;
      assert.equal(second.changes.length, 1);
      assert.equal(second.changes[0]?.before?.hash, sha(was));
      assert.deepEqual(second.changes[0]?.beforeBytes, kept ? was : undefined, `budget ${budget}`);
    }
  });
});
