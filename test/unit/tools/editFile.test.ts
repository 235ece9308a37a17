import assert from 'node:assert/strict';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { editFileTool } from '../../../src/core/tools/editFile';
import { call, scratch, text, toolContext } from './toolHarness';

describe('edit_file', () => {
  const tmp = scratch('edit');
  afterEach(() => tmp.cleanup());

  const SRC = 'function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n';

  async function setup(files: Record<string, string | Uint8Array> = { 'src/math.js': SRC }) {
    const root = await tmp.make(files);
    return { root, ctx: toolContext(new NodeWorkspace(root)) };
  }

  it('replaces a unique exact match, and returns one FileChange with before and after', async () => {
    const { root, ctx } = await setup();
    const r = await call(editFileTool, { path: './src/math.js', old_text: 'return a + b;', new_text: 'return a + b + 0;' }, ctx);
    assert.equal(r.changes?.length, 1);
    const [c] = r.changes!;
    assert.equal(c?.path, 'src/math.js');
    assert.equal(text(c?.before), SRC);
    assert.equal(text(c?.after), SRC.replace('return a + b;', 'return a + b + 0;'));
    assert.equal(await readFile(path.join(root, 'src/math.js'), 'utf8'), text(c?.after));
  });

  it('inserts replacement text literally ($& and $1 are not patterns)', async () => {
    const { ctx } = await setup({ 'a.txt': 'price: X\n' });
    const r = await call(editFileTool, { path: 'a.txt', old_text: 'X', new_text: '$& $1 $$' }, ctx);
    assert.equal(text(r.changes?.[0]?.after), 'price: $& $1 $$\n');
  });

  it('says NO_MATCH, and hints at a match that differs only in whitespace', async () => {
    const { ctx } = await setup();
    const none = await call(editFileTool, { path: 'src/math.js', old_text: 'return a * b;', new_text: 'x' }, ctx);
    assert.equal(none.error?.code, 'NO_MATCH');
    assert.doesNotMatch(none.error!.message, /whitespace/);
    const ws = await call(editFileTool, { path: 'src/math.js', old_text: 'function sub(a, b) {\n    return a - b;\n}', new_text: 'x' }, ctx);
    assert.equal(ws.error?.code, 'NO_MATCH');
    assert.match(ws.error!.message, /whitespace is ignored at line 5\b/);
  });

  it('says AMBIGUOUS with the count and lines, and replaces all with replace_all', async () => {
    const { ctx } = await setup();
    const amb = await call(editFileTool, { path: 'src/math.js', old_text: '(a, b)', new_text: '(x, y)' }, ctx);
    assert.equal(amb.error?.code, 'AMBIGUOUS');
    assert.match(amb.error!.message, /occurs 2 times .*\(lines 1, 5\)/);
    const all = await call(editFileTool, { path: 'src/math.js', old_text: '(a, b)', new_text: '(x, y)', replace_all: true }, ctx);
    assert.equal(text(all.changes?.[0]?.after), SRC.replaceAll('(a, b)', '(x, y)'));
  });

  it('matches LF old_text in a CRLF file and keeps CRLF line ends', async () => {
    const { ctx } = await setup({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' });
    const r = await call(editFileTool, { path: 'win.txt', old_text: 'one\ntwo', new_text: 'uno\ndos' }, ctx);
    assert.equal(text(r.changes?.[0]?.after), 'uno\r\ndos\r\nthree\r\n');
  });

  it('in a mixed file, an LF copy and a CRLF copy of old_text are two occurrences: ambiguous, and replace_all takes both', async () => {
    const mixed = 'a();\nb();\r\n// later\r\na();\r\nb();\r\n';
    const { root, ctx } = await setup({ 'mixed.js': mixed });
    const amb = await call(editFileTool, { path: 'mixed.js', old_text: 'a();\nb();', new_text: 'c();' }, ctx);
    assert.equal(amb.error?.code, 'AMBIGUOUS');
    assert.match(amb.error!.message, /occurs 2 times .*\(lines 1, 4\)/);
    assert.equal(await readFile(path.join(root, 'mixed.js'), 'utf8'), mixed);
    const all = await call(editFileTool, { path: 'mixed.js', old_text: 'a();\nb();', new_text: 'c();', replace_all: true }, ctx);
    assert.equal(text(all.changes?.[0]?.after), 'c();\r\n// later\r\nc();\r\n');
  });

  it('keeps a BOM and refuses files that are not UTF-8 text', async () => {
    const { ctx } = await setup({ 'bom.txt': '\uFEFFhello\n', 'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]) });
    const r = await call(editFileTool, { path: 'bom.txt', old_text: 'hello', new_text: 'bye' }, ctx);
    assert.deepEqual([...r.changes![0]!.after!.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal((await call(editFileTool, { path: 'latin1.txt', old_text: 'caf', new_text: 'x' }, ctx)).error?.code, 'INVALID_INPUT');
  });

  it('refuses empty old_text, no-op edits, missing files, directories and escapes', async () => {
    const { root, ctx } = await setup();
    const empty = await call(editFileTool, { path: 'src/math.js', old_text: '', new_text: 'x' }, ctx);
    assert.equal(empty.error?.code, 'INVALID_INPUT');
    assert.match(empty.error!.message, /write_file/);
    assert.equal((await call(editFileTool, { path: 'src/math.js', old_text: 'a', new_text: 'a' }, ctx)).error?.code, 'INVALID_INPUT');
    assert.equal((await call(editFileTool, { path: 'src/nope.js', old_text: 'a', new_text: 'b' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(editFileTool, { path: 'src', old_text: 'a', new_text: 'b' }, ctx)).error?.code, 'IS_DIRECTORY');
    assert.equal((await call(editFileTool, { path: '../x.js', old_text: 'a', new_text: 'b' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    const outside = await tmp.make({ 't.txt': 'a' });
    await symlink(path.join(outside, 't.txt'), path.join(root, 'link.txt'));
    assert.equal((await call(editFileTool, { path: 'link.txt', old_text: 'a', new_text: 'b' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
    assert.equal(await readFile(path.join(outside, 't.txt'), 'utf8'), 'a');
    assert.equal(await readFile(path.join(root, 'src/math.js'), 'utf8'), SRC);
  });
});
