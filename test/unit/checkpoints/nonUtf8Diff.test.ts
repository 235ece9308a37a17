import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * Text files that are not UTF-8 (a Windows-1252 file) or that gain or lose a byte order mark: the
 * decoder turned every invalid byte into the same U+FFFD and dropped a leading BOM, so a change of
 * only those bytes showed as a diff with no lines at all, as if the file had not changed.
 */
describe('step diffs of text files that are not plain UTF-8 (real command session, real capture)', function () {
  const keep = keptSessions();

  it('a Windows-1252 letter changed, and a BOM added, each show the lines that changed', async () => {
    const s = await commandSession([`printf 'menu: caf\\350\\nprice: 3\\n' > latin.txt && printf '\\357\\273\\277a = 1\\n' > bom.txt`], {
      prepare: async (w) => {
        await writeFile(join(w, 'latin.txt'), Buffer.from('menu: caf\xe9\nprice: 3\n', 'latin1'));
        await writeFile(join(w, 'bom.txt'), 'a = 1\n');
      },
      keep,
    });
    const diffs = await stepDiffs(s.h.store, s.id, { step: 1 });
    const latin = diffs.find((d) => d.path === 'latin.txt')?.diff ?? '';
    assert.match(latin, /^-menu: caf/m, latin);
    assert.match(latin, /^\+menu: caf/m, latin);
    assert.doesNotMatch(latin, /^[-+]price/m, 'the line that did not change is context');
    assert.match(latin, /^-menu: caf\u00e9$/m, 'the Latin-1 letters as they are');
    assert.match(latin, /^\+menu: caf\u00e8$/m);
    const bom = diffs.find((d) => d.path === 'bom.txt')?.diff ?? '';
    assert.equal(bom, 'bom.txt: only a byte order mark was added; the text is the same\n');
  });
});
