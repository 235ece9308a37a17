import assert from 'node:assert/strict';
import { type FolderRef, SessionFolders, folderProblem } from '../../../src/shared/sessionFolder';

const f = (name: string): FolderRef => ({ uri: `file:///work/${name}`, name, path: `/work/${name}` });
const api = f('api');
const web = f('web');

describe('the workspace folder a session works in', () => {
  it('runs where it was started: the same first folder, or no record (an older session)', () => {
    assert.equal(folderProblem(api, [api, web]), undefined);
    assert.equal(folderProblem(undefined, [web, api]), undefined);
  });

  it('refuses when its folder is no longer first, naming both and how to fix it', () => {
    const p = folderProblem(api, [web, api]);
    assert.match(p ?? '', /"api", which is now folder 2 of this workspace/);
    assert.match(p ?? '', /first folder \("web"\)/);
    assert.match(p ?? '', /Move "api" to the top/);
  });

  it('refuses when its folder was removed from a workspace of several folders', () => {
    assert.match(folderProblem(api, [web, f('docs')]) ?? '', /"api" \(\/work\/api\), which is not open in this workspace/);
  });

  it('does not refuse a single folder at another place (the project was moved or renamed, its sessions with it)', () => {
    assert.equal(folderProblem(api, [f('api-renamed')]), undefined);
  });

  it('keeps the records across instances (the Memento), forgets a deleted session, and names the first folder only when there are several', async () => {
    const data = new Map<string, unknown>();
    const memo = { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => void data.set(k, v) };
    let open = [api, web];
    const folders = new SessionFolders(memo, () => open);
    assert.equal(folders.namedFirst(), 'api');
    await folders.record('s1');
    open = [web, api];
    await new SessionFolders(memo, () => open).record('s2');
    const later = new SessionFolders(memo, () => open);
    assert.match(later.problem('s1') ?? '', /now folder 2/);
    assert.equal(later.problem('s2'), undefined);
    await later.forget('s1');
    assert.equal(later.problem('s1'), undefined);
    open = [web];
    assert.equal(later.namedFirst(), undefined);
  });
});
