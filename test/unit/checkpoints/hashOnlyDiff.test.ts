import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * `savepoint diff` of a change kept by hash only says why (binary, or over the size limit) and the
 * sizes, as the timeline does: it said only "binary, over the size limit, or its contents not at
 * hand", with two hashes and no size.
 */
describe('step diffs of files kept by hash and size only (real command session, real capture)', function () {
  const keep = keptSessions();

  it('a file over the size limit and a text file made binary each name their reason and sizes', async () => {
    const s = await commandSession([`printf '%0150d' 7 > big.txt && printf 'A\\000B\\000' > data.bin`], {
      prepare: async (w) => {
        await writeFile(join(w, 'big.txt'), 'b'.repeat(101));
        await writeFile(join(w, 'data.bin'), 'text\n');
      },
      capture: { maxFileBytes: 100 },
      keep,
    });
    const diffs = await stepDiffs(s.h.store, s.id, { step: 1 });
    const big = diffs.find((d) => d.path === 'big.txt')?.diff ?? '';
    assert.match(big, /^big\.txt: [0-9a-f]{64} -> [0-9a-f]{64} \(over the size limit: kept by hash and size only, 101 -> 150 bytes\); no diff\n$/, big);
    const bin = diffs.find((d) => d.path === 'data.bin')?.diff ?? '';
    assert.match(bin, /^data\.bin: [0-9a-f]{64} -> [0-9a-f]{64} \(binary: shown by hash and size only, 5 -> 4 bytes\); no diff\n$/, bin);
  });
});
