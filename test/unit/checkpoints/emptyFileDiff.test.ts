import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * An empty file a command created or deleted: `savepoint diff` showed a bare header (`--- /dev/null`,
 * `+++ b/new.txt`) with no lines, which does not say what happened; git says "new file" there.
 */
describe('step diffs of empty files created or deleted (real command session, real capture)', function () {
  const keep = keptSessions();

  it('say an empty file was created, or deleted', async () => {
    const s = await commandSession(['touch new.txt && rm old.txt'], { prepare: (w) => writeFile(join(w, 'old.txt'), ''), keep });
    const diffs = await stepDiffs(s.h.store, s.id, { step: 1 });
    assert.deepEqual(
      diffs.map((d) => [d.path, d.diff]),
      [
        ['new.txt', 'new.txt: created, empty\n'],
        ['old.txt', 'old.txt: deleted (it was empty)\n'],
      ],
    );
  });
});
