import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exportTarget } from '../../../src/core/util/exportTarget';

/** Export Session's save dialog opened at the root of the file system (the file name alone made a path there). */
describe("exportTarget: Export Session's save dialog starts where the user works", () => {
  const home = join('/', 'home', 'ada');
  it("in the session's folder", () => {
    const folder = join('/', 'src', 'app');
    assert.equal(exportTarget('01ABC', folder, home), join(folder, 'savepoint-01ABC.json'));
  });
  it('in the home folder when no folder is open', () => {
    assert.equal(exportTarget('01ABC', undefined, home), join(home, 'savepoint-01ABC.json'));
  });
});
