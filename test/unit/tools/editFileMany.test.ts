import assert from 'node:assert/strict';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { editFileTool } from '../../../src/core/tools/editFile';
import { call, scratch, text, toolContext } from './toolHarness';

/** A large data file (a CSV, a generated table) where old_text occurs millions of times. */
describe('edit_file on a text with very many occurrences', () => {
  const tmp = scratch('edit-many');
  afterEach(() => tmp.cleanup());

  const ROW = '1,2,3,4,5,6,7,8,9,10\n';
  const ROWS = 200_000;

  it('says AMBIGUOUS once more than 1000 occurrences are found, without collecting the millions', async () => {
    const root = await tmp.make({ 'data.csv': ROW.repeat(ROWS) });
    const ctx = toolContext(new NodeWorkspace(root));
    const r = await call(editFileTool, { path: 'data.csv', old_text: ',', new_text: ';' }, ctx);
    assert.equal(r.error?.code, 'AMBIGUOUS');
    assert.match(r.error!.message, /^old_text occurs more than 1000 times in data\.csv \(lines 1, 2, 3, .*, 20, \.\.\.\)\. /);
  });

  it('still counts a few occurrences exactly, and replace_all replaces every one', async () => {
    const root = await tmp.make({ 'data.csv': ROW.repeat(ROWS) });
    const ctx = toolContext(new NodeWorkspace(root));
    const few = await call(editFileTool, { path: 'data.csv', old_text: '9,10\n1,', new_text: 'x' }, ctx);
    assert.match(few.error!.message, /^old_text occurs more than 1000 times/);
    const small = await tmp.make({ 'a.csv': ROW.repeat(3) });
    const three = await call(editFileTool, { path: 'a.csv', old_text: '10', new_text: 'ten' }, toolContext(new NodeWorkspace(small)));
    assert.match(three.error!.message, /^old_text occurs 3 times in a\.csv \(lines 1, 2, 3\)/);
    const all = await call(editFileTool, { path: 'data.csv', old_text: ',', new_text: ';', replace_all: true }, ctx);
    assert.equal(text(all.changes?.[0]?.after), ROW.replaceAll(',', ';').repeat(ROWS));
  });
});
