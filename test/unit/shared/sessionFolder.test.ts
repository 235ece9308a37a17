import assert from 'node:assert/strict';
import { type FolderRef, FolderMissing, SessionFolders, folderFor, folderProblem } from '../../../src/shared/sessionFolder';

const f = (name: string): FolderRef => ({ uri: `file:///work/${name}`, name, path: `/work/${name}` });
const api = f('api');
const web = f('web');

function memento() {
  const data = new Map<string, unknown>();
  return { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => void data.set(k, v) };
}

describe('the workspace folder a session works in', () => {
  it('works in its own folder wherever it now is among the folders; with no record (an older session), in the first', () => {
    assert.deepEqual(folderFor(api, [api, web]), { folder: api });
    assert.deepEqual(folderFor(api, [web, api]), { folder: api });
    assert.deepEqual(folderFor(undefined, [web, api]), { folder: web });
    assert.equal(folderProblem(api, [web, api]), undefined);
  });

  it('refuses when its folder was removed from a workspace of several folders, naming it and how to add it back', () => {
    const p = folderProblem(api, [web, f('docs')]) ?? '';
    assert.match(p, /"api" \(\/work\/api\), which is not open in this workspace/);
    assert.match(p, /Add Folder to Workspace/);
  });

  it('works in a single folder at another place (the project was moved or renamed, its sessions with it)', () => {
    assert.deepEqual(folderFor(api, [f('api-renamed')]), { folder: f('api-renamed') });
  });

  it('refuses with no folder open', () => {
    assert.match(folderProblem(api, []) ?? '', /Open the folder the session worked in first/);
    assert.match(folderProblem(undefined, []) ?? '', /Open the folder/);
  });

  it('keeps the chosen folder across instances (the Memento) and reorders, gives a fork its parent\'s, forgets a deleted session', async () => {
    const memo = memento();
    let open = [api, web];
    const folders = new SessionFolders(memo, () => open);
    await folders.record('s1', web);
    await folders.record('s2');
    open = [web, api];
    const later = new SessionFolders(memo, () => open);
    assert.equal(later.folderOf('s1').name, 'web');
    assert.equal(later.folderOf('s2').name, 'api', 'recorded in the first folder of then, which is second now');
    await later.inherit('fork', 's1');
    open = [api];
    assert.equal(later.folderOf('fork').name, 'api', 'one folder left: the project moved');
    open = [api, f('docs')];
    assert.throws(() => later.folderOf('fork'), (e: unknown) => e instanceof FolderMissing && /"web"/.test(e.message));
    assert.equal(later.nameOf('s1'), 'web (not open)', 'named for the session list, marked when not open');
    assert.equal(later.nameOf('s2'), 'api');
    open = [api];
    assert.equal(later.nameOf('s2'), undefined, 'one folder: nothing to tell apart');
    open = [api, f('docs')];
    await later.forget('fork');
    assert.equal(later.folderOf('fork').name, 'api', 'forgotten: as an older session, the first folder');
  });
});
