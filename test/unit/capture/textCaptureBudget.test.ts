import assert from 'node:assert/strict';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { captureCommand, captureScratch, sha } from './captureHarness';

/**
 * The capture keeps the new bytes of text files within the size limit (their diffs, and a rewind to
 * after the step), but within a budget per capture: a generator or a formatter that writes hundreds
 * of MB of sources must not be held in memory at once. Past it, a file is recorded by hash and size,
 * and marked so (`afterUnkept`).
 */
/** A command (one node process) writing `n` text files `<name><i>.<ext>` of `size` bytes, each of its own line, with `tag` in it. */
const writeTexts = (n: number, size: number, name: string, ext: string, tag = name) =>
  `"${process.execPath}" -e 'const fs = require("fs"); for (let i = 0; i < ${n}; i++) { const line = "export const v" + i + " = \\"${tag}\\";\\n"; fs.writeFileSync("${name}" + i + ".${ext}", line.repeat(Math.ceil(${size} / line.length)).slice(0, ${size})); }'`;

describe('capture: the new bytes of text files are kept within a budget', function () {
  this.timeout(300_000);
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('a command that writes 200 MB of text grows memory by a bounded amount; the files past the budget are listed by hash and marked', async () => {
    const root = await tmp.workspace({ 'keep.ts': 'export {};\n' });
    const budget = 16 * 1024 * 1024;
    const capture = tmp.capture(root, { contentStore: new MemoryContentStore(8 * 1024 * 1024), watch: false, gitContents: false, textBytesPerCapture: budget });
    await capture.start();
    global.gc?.();
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    // 200 files of 1 MB of text lines (within the 5 MB limit), each different.
    const set = await captureCommand(capture, root, writeTexts(200, 1024 * 1024, 'gen', 'ts'));
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    clearInterval(timer);
    assert.equal(set.changes.length, 200);
    const grownMB = Math.round((peak - base) / 1024 / 1024);
    // The budget, the content store, and the chunks of the files hashed at once (32 reads of 1 MB): not the 200 MB written.
    assert.ok(grownMB < 100, `the capture held ${grownMB} MB more at its peak (text budget 16 MB, content store 8 MB; 200 MB of text written)`);
    const kept = set.changes.filter((c) => c.afterBytes);
    const marked = set.changes.filter((c) => c.afterUnkept);
    assert.equal(kept.length + marked.length, 200, 'each file either carries its bytes or is marked as not kept');
    assert.ok(kept.length > 0 && kept.length <= 16, `${kept.length} files kept within 16 MB`);
    for (const c of kept) assert.equal(sha(c.afterBytes as Uint8Array), c.after?.hash, c.path);
    for (const c of marked) {
      assert.match(c.after?.hash ?? '', /^[0-9a-f]{64}$/, `${c.path} is listed by its new hash`);
      assert.equal(c.after?.size, 1048576);
    }
  });

  it('small files count too, and the budget is per capture: the next command has its own', async () => {
    const root = await tmp.workspace();
    const capture = tmp.capture(root, { contentStore: new MemoryContentStore(8 * 1024 * 1024), gitContents: false, textBytesPerCapture: 40 * 1024 });
    await capture.start();
    for (const tag of ['one', 'two']) {
      const set = await captureCommand(capture, root, writeTexts(100, 4096, 'f', 'txt', tag));
      assert.equal(set.changes.length, 100, tag);
      assert.equal(set.changes.filter((c) => c.afterBytes).length, 10, `${tag}: 10 files of 4 KB within 40 KB`);
      assert.equal(set.changes.filter((c) => c.afterUnkept).length, 90, tag);
    }
  });
});
