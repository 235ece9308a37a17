import assert from 'node:assert/strict';
import { mergeStale } from '../../../src/core/runner/pendingMerge';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import type { BlobHash } from '../../../src/core/store/types';

const enc = (t: string) => new TextEncoder().encode(t);

/** The conflict text of a stale edit base -> ours when the disk now holds theirs. */
async function conflictOf(base: string, ours: string, theirs: string): Promise<string> {
  const [b, o] = [enc(base), enc(ours)];
  const blobs = new Map<string, Uint8Array>([[hashBytes(b), b], [hashBytes(o), o]]);
  const planned = { path: 'f', beforeHash: hashBytes(b), afterHash: hashBytes(o) };
  const out = await mergeStale({ path: 'f', planned, disk: enc(theirs) }, async (h: BlobHash) => blobs.get(h) as Uint8Array);
  assert.ok('conflict' in out, 'a conflict');
  return out.conflict;
}

describe('a stale edit that conflicts names the place in the file both sides changed', () => {
  it('two lines appended to a 3-line file: at the end, after line 3 (not "lines 4-4", a line that does not exist)', async () => {
    const c = await conflictOf('a\nb\nc\n', 'a\nb\nc\nours\n', 'a\nb\nc\ntheirs\n');
    assert.match(c, /both changed the same lines \(at the end of the file, after line 3\)$/);
  });

  it('two insertions after line 1: after line 1 (not "lines 2-2", a line neither side touched)', async () => {
    const c = await conflictOf('a\nb\nc\n', 'a\nours\nb\nc\n', 'a\ntheirs\nb\nc\n');
    assert.match(c, /both changed the same lines \(after line 1\)$/);
  });

  it('two insertions before the first line: at the start of the file', async () => {
    const c = await conflictOf('a\nb\nc\n', 'ours\na\nb\nc\n', 'theirs\na\nb\nc\n');
    assert.match(c, /both changed the same lines \(at the start of the file\)$/);
  });

  it('a line both replaced is still named by its range, next to an insertion conflict', async () => {
    const base = 'a\nb\nc\nd\ne\nf\n';
    const c = await conflictOf(base, 'a\nB1\nc\nd\ne\nf\nours\n', 'a\nB2\nc\nd\ne\nf\ntheirs\n');
    assert.match(c, /both changed the same lines \(lines 2-2, at the end of the file, after line 6\)$/);
  });

});
