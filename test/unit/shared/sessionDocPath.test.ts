import assert from 'node:assert/strict';
import { sessionDocPath, sessionIdOfDocPath } from '../../../src/shared/sessionDocPath';

const ID = '01JDX5K7Q9W3R8T2M4N6P0B1C2';

/** A session document's tab shows the last segment of its path: with several open, a bare id does not say which is which. */
describe('sessionDocPath: a session document is named by its session, and read back to its id', () => {
  it("the tab reads the session's title, and the id still comes back", () => {
    const path = sessionDocPath(ID, 'Add input validation to src/parser.ts');
    assert.equal(path, `/Add input validation to src∕parser.ts · ${ID}.log`);
    assert.equal(sessionIdOfDocPath(path), ID);
  });

  it('a title cannot add path segments nor break the line, and a long one is cut', () => {
    const path = sessionDocPath(ID, `a/b\\c\n${'x'.repeat(200)}`);
    assert.equal(path.split('/').length, 2, path);
    assert.ok(!/[\\\n]/.test(path), path);
    assert.ok(path.length < 110, path);
    assert.equal(sessionIdOfDocPath(path), ID);
  });

  it('documents named before (the id alone) and without a title still read back', () => {
    assert.equal(sessionIdOfDocPath(`/${ID}.log`), ID);
    assert.equal(sessionDocPath(ID), `/${ID}.log`);
    assert.equal(sessionIdOfDocPath(sessionDocPath(ID, '  ')), ID);
  });
});
