import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { boundedDiff } from '../../../src/core/checkpoints/fileContents';
import { merge3 } from '../../../src/core/checkpoints/merge3';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { mergeStale } from '../../../src/core/runner/pendingMerge';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import type { BlobHash } from '../../../src/core/store/types';
import { finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';

const lines = (n: number, eol = '\n') => Array.from({ length: n }, (_, i) => `  const value${i} = compute(${i}); // line ${i}${eol}`).join('');
// ~380 KB: far below the 5 MB kept for a file edit and the 1 MB kept for a read.
const BIG = lines(8000);
const CRLF = lines(8000, '\r\n');
const HUGE = lines(20_000);
const enc = (t: string) => new TextEncoder().encode(t);

// The diff is quadratic in the lines that differ: these took 10 s and more before it was bounded.
// The bound is generous; what is asserted first is which outcome (a diff, or the short note) it gave.
const SLOW_MS = 2_000;
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = Date.now();
  const value = f();
  return { value, ms: Date.now() - t0 };
}

describe('diffs of large files: bounded in time, still exact for ordinary edits', function () {
  this.timeout(120_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('merge3: a stale edit to an 8,000-line file whose line endings the user converted is a conflict over the whole file, not a wait', () => {
    const ours = BIG.replace('value5 =', 'value5 = 1 +');
    const { value: r, ms } = timed(() => merge3(BIG, ours, CRLF));
    assert.equal(r.clean, false);
    assert.ok(!r.clean && r.tooManyChanges, 'the diff gave up: too many lines differ');
    assert.deepEqual(!r.clean && r.conflicts.map((c) => [c.baseStart, c.baseEnd, c.ours === ours, c.theirs === CRLF]), [[0, 8000, true, true]]);
    assert.ok(ms < SLOW_MS, `merge3 blocked the event loop for ${ms} ms`);
  });

  it('merge3: a few lines edited in a 20,000-line file merge cleanly with the user\'s edit elsewhere', () => {
    const ours = HUGE.replace('value10 =', 'value10 = 1 +').replace('value10000 =', 'value10000 = 2 +');
    const theirs = HUGE.replace('// line 19990\n', '// line 19990, by hand\n').replace('value5 =', 'value5 = 3 +');
    const { value: r, ms } = timed(() => merge3(HUGE, ours, theirs));
    assert.deepEqual(r, { clean: true, text: ours.replace('// line 19990\n', '// line 19990, by hand\n').replace('value5 =', 'value5 = 3 +') });
    assert.ok(ms < SLOW_MS, `merge3 took ${ms} ms`);
  });

  it('merge3: a side that changed nothing takes the other\'s change whole, however many lines it changed', () => {
    const { value: r, ms } = timed(() => [merge3(BIG, CRLF, BIG), merge3(BIG, BIG, CRLF), merge3(BIG, CRLF, CRLF)]);
    assert.deepEqual(r, [{ clean: true, text: CRLF }, { clean: true, text: CRLF }, { clean: true, text: CRLF }]);
    assert.ok(ms < SLOW_MS, `merge3 took ${ms} ms`);
  });

  it('mergeStale: a stale edit to a file whose every line changed on disk says the file changed too much to merge line by line', async () => {
    const base = enc(BIG);
    const ours = enc(BIG.replace('value5 =', 'value5 = 1 +'));
    const blobs = new Map<string, Uint8Array>([[hashBytes(base), base], [hashBytes(ours), ours]]);
    const planned = { path: 'gen.ts', beforeHash: hashBytes(base), afterHash: hashBytes(ours) };
    const out = await mergeStale({ path: 'gen.ts', planned, disk: enc(CRLF) }, async (h: BlobHash) => blobs.get(h) as Uint8Array);
    assert.deepEqual(out, { path: 'gen.ts', conflict: 'gen.ts changed outside the session since the edit was planned, and too many of its 8000 lines changed to merge line by line' });
  });

  it('boundedDiff: an 8,000-line file with its line endings converted gets a short note with both sizes, not a wait', () => {
    const { value: d, ms } = timed(() => boundedDiff('gen.ts', enc(BIG), enc(CRLF)));
    assert.equal(d, `gen.ts: too many lines differ to show a line diff (8000 lines, ${BIG.length} bytes -> 8000 lines, ${CRLF.length} bytes); only the line endings changed (now CRLF)\n`);
    assert.ok(ms < SLOW_MS, `boundedDiff blocked the event loop for ${ms} ms`);
  });

  it('boundedDiff: a file rewritten on every line gets the note without a line-ending remark', () => {
    const other = BIG.replace(/value/g, 'v');
    const d = boundedDiff('gen.ts', enc(BIG), enc(other));
    assert.match(d, /^gen\.ts: too many lines differ to show a line diff \(8000 lines, \d+ bytes -> 8000 lines, \d+ bytes\)\n$/);
  });

  it('boundedDiff: a few lines edited in a 20,000-line file still show as a line diff', () => {
    const after = HUGE.replace('value10 =', 'value10 = 1 +').replace('value10000 =', 'value10000 = 2 +').replace('// line 19990\n', '// line 19990, by hand\n');
    const { value: d, ms } = timed(() => boundedDiff('gen.ts', enc(HUGE), enc(after)));
    assert.match(d, /\n--- a\/gen\.ts\t?\n\+\+\+ b\/gen\.ts\t?\n@@ -8,7 \+8,7 @@\n/);
    assert.deepEqual(d.match(/^@@ .* @@$/gm), ['@@ -8,7 +8,7 @@', '@@ -9998,7 +9998,7 @@', '@@ -19988,7 +19988,7 @@']);
    assert.match(d, /\n- {2}const value10000 = compute\(10000\); \/\/ line 10000\n\+ {2}const value10000 = 2 \+ compute\(10000\); \/\/ line 10000\n/);
    assert.ok(ms < SLOW_MS, `boundedDiff took ${ms} ms`);
  });

  it('boundedDiff: a created or deleted 20,000-line file still shows as a diff (all added or all removed is cheap)', () => {
    assert.match(boundedDiff('gen.ts', undefined, enc(HUGE)), /\n--- \/dev\/null\t?\n\+\+\+ b\/gen\.ts\t?\n@@ -0,0 \+1,20000 @@\n\+ {2}const value0/);
    assert.match(boundedDiff('gen.ts', enc(HUGE), undefined), /\n--- a\/gen\.ts\t?\n\+\+\+ \/dev\/null\t?\n@@ -1,20000 \+0,0 @@\n- {2}const value0/);
  });

  it('drift on resume: an 8,000-line file the session read, whose line endings the user converted, is reported changed with the short note', async () => {
    h = await harness([toolUse('r1', 'read_file', { path: 'gen.ts' }), finalText('done', { toolResultFor: 'r1' })], { 'gen.ts': BIG });
    const id = await h.start(h.runner());
    assert.equal((await h.runner().run(id)).status, 'completed');
    await writeFile(join(h.workspace, 'gen.ts'), CRLF);
    const t0 = Date.now();
    const drift = await detectDrift(h.store, new NodeWorkspace(h.workspace), id);
    const ms = Date.now() - t0;
    const gen = drift.find((d) => d.path === 'gen.ts');
    assert.equal(gen?.kind, 'changed');
    assert.match(gen?.diff ?? '', /^gen\.ts: too many lines differ to show a line diff \(8000 lines, \d+ bytes -> 8000 lines, \d+ bytes\); only the line endings changed \(now CRLF\)\n$/);
    assert.ok(ms < SLOW_MS, `detectDrift blocked the event loop for ${ms} ms`);
  });
});
