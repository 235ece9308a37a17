import assert from 'node:assert/strict';
import { merge3 } from '../../../src/core/checkpoints/merge3';
import { mergeStale } from '../../../src/core/runner/pendingMerge';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import type { BlobHash } from '../../../src/core/store/types';

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

});
