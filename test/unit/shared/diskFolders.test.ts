import assert from 'node:assert/strict';
import { newSessionFolders } from '../../../src/shared/diskFolders';

const folder = (name: string, scheme = 'file') => ({ name, scheme });

describe('newSessionFolders: where a new session can work', () => {
  it('refuses a workspace whose only folder is not on disk, saying so (not "open a folder": one is open)', () => {
    const r = newSessionFolders([folder('repo', 'vscode-vfs')]);
    assert.deepEqual(r.usable, []);
    assert.equal(r.refusal, 'Savepoint works only on folders on disk, and the folder "repo" is not on disk (vscode-vfs). Open a folder on disk, such as a local clone, to start a session there.');
    assert.doesNotMatch(r.refusal ?? '', /Open a folder first/);
  });

  it('names every folder when none of several is on disk', () => {
    const r = newSessionFolders([folder('a', 'memfs'), folder('b', 'vscode-vfs')]);
    assert.equal(r.refusal, 'Savepoint works only on folders on disk, and the folders "a" (memfs) and "b" (vscode-vfs) are not on disk. Open a folder on disk, such as a local clone, to start a session there.');
  });

  it('asks to open a folder when none is open', () => {
    assert.equal(newSessionFolders([]).refusal, 'Open a folder first: the agent works inside a workspace folder.');
  });

  it('offers the folders on disk only, in order, and names those it leaves out', () => {
    const r = newSessionFolders([folder('web'), folder('virtual', 'memfs'), folder('api')]);
    assert.deepEqual(r.usable.map((f) => f.name), ['web', 'api']);
    assert.equal(r.refusal, undefined);
    assert.equal(r.leftOut, 'Not offered: "virtual", which is not on disk.');
    assert.equal(newSessionFolders([folder('web'), folder('api')]).leftOut, undefined);
  });
});
