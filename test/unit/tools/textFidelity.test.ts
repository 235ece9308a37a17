import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { editFileTool } from '../../../src/core/tools/editFile';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { call, scratch, text, toolContext } from './toolHarness';

/** What a user sees in git diff: line ends, BOM and final newline are the file's, whatever the model wrote. */
describe('edit_file and write_file keep the text as the file had it', () => {
  const tmp = scratch('fidelity');
  afterEach(() => tmp.cleanup());

  async function setup(files: Record<string, string | Uint8Array>) {
    const root = await tmp.make(files);
    const ctx = toolContext(new NodeWorkspace(root));
    const disk = (p: string) => readFile(path.join(root, p), 'utf8');
    return { ctx, disk };
  }

  it('edit_file: new lines in a CRLF file get CRLF, also when old_text is within one line', async () => {
    const { ctx, disk } = await setup({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' });
    await call(editFileTool, { path: 'win.txt', old_text: 'two', new_text: 'two\nand a half' }, ctx);
    assert.equal(await disk('win.txt'), 'one\r\ntwo\r\nand a half\r\nthree\r\n');
  });

  it('edit_file: in a mixed file, LF old_text matches across CRLF and LF lines, and each edit takes the line ends it replaces', async () => {
    const { ctx, disk } = await setup({ 'mixed.txt': 'a\r\nb\nc\r\nd\n' });
    await call(editFileTool, { path: 'mixed.txt', old_text: 'a\nb\nc', new_text: 'A\nB\nC' }, ctx);
    assert.equal(await disk('mixed.txt'), 'A\r\nB\r\nC\r\nd\n');
    await call(editFileTool, { path: 'mixed.txt', old_text: 'C\r\nd\n', new_text: 'C\nD\n' }, ctx);
    assert.equal(await disk('mixed.txt'), 'A\r\nB\r\nC\r\nD\r\n');
  });

  it('edit_file: CRLF old_text matches in an LF file, which stays LF', async () => {
    const { ctx, disk } = await setup({ 'unix.txt': 'x\ny\nz\n' });
    await call(editFileTool, { path: 'unix.txt', old_text: 'x\r\ny', new_text: 'X\r\nY' }, ctx);
    assert.equal(await disk('unix.txt'), 'X\nY\nz\n');
  });

  it('edit_file: an edit that reaches the end keeps the final newline, and may add a missing one', async () => {
    const { ctx, disk } = await setup({ 'with.txt': 'a\nlast\n', 'without.txt': 'a\nlast', 'win.txt': 'a\r\nlast\r\n' });
    await call(editFileTool, { path: 'with.txt', old_text: 'last\n', new_text: 'final' }, ctx);
    assert.equal(await disk('with.txt'), 'a\nfinal\n');
    await call(editFileTool, { path: 'with.txt', old_text: '\nfinal\n', new_text: '' }, ctx);
    assert.equal(await disk('with.txt'), 'a\n');
    await call(editFileTool, { path: 'win.txt', old_text: 'last\n', new_text: 'final' }, ctx);
    assert.equal(await disk('win.txt'), 'a\r\nfinal\r\n');
    await call(editFileTool, { path: 'without.txt', old_text: 'last', new_text: 'last\n' }, ctx);
    assert.equal(await disk('without.txt'), 'a\nlast\n');
  });

  it('edit_file: overlapping occurrences are ambiguous; an empty file says to use write_file', async () => {
    const { ctx } = await setup({ 'aaa.txt': 'aaa\n', 'empty.txt': '' });
    const amb = await call(editFileTool, { path: 'aaa.txt', old_text: 'aa', new_text: 'b' }, ctx);
    assert.equal(amb.error?.code, 'AMBIGUOUS');
    assert.match(amb.error!.message, /occurs 2 times in aaa\.txt \(line 1\)/);
    const all = await call(editFileTool, { path: 'aaa.txt', old_text: 'aa', new_text: 'b', replace_all: true }, ctx);
    assert.equal(text(all.changes?.[0]?.after), 'ba\n');
    const empty = await call(editFileTool, { path: 'empty.txt', old_text: 'x', new_text: 'y' }, ctx);
    assert.equal(empty.error?.code, 'NO_MATCH');
    assert.match(empty.error!.message, /empty\.txt is empty.*write_file/);
  });

  it('edit_file: an edit that changes nothing once line ends are the file\'s is refused', async () => {
    const { ctx } = await setup({ 'win.txt': 'a\r\nb\r\n' });
    const r = await call(editFileTool, { path: 'win.txt', old_text: 'a\r\nb', new_text: 'a\nb' }, ctx);
    assert.equal(r.error?.code, 'INVALID_INPUT');
  });

  it('edit_file keeps one BOM when old_text copied it from the first line (read_file shows it) and new_text left it out, or added another', async () => {
    const root = await tmp.make({ 'bom.cs': '\uFEFFusing System;\r\nclass A {}\r\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    await call(editFileTool, { path: 'bom.cs', old_text: '\uFEFFusing System;\n', new_text: 'using System.IO;\n' }, ctx);
    assert.equal(await readFile(path.join(root, 'bom.cs'), 'utf8'), '\uFEFFusing System.IO;\r\nclass A {}\r\n');
    await call(editFileTool, { path: 'bom.cs', old_text: 'using System.IO;', new_text: '\uFEFFusing System;' }, ctx);
    assert.equal(await readFile(path.join(root, 'bom.cs'), 'utf8'), '\uFEFFusing System;\r\nclass A {}\r\n');
  });

  it('write_file over a CRLF file with LF content writes CRLF; over a BOM file keeps the BOM', async () => {
    const { ctx, disk } = await setup({ 'win.txt': 'old\r\nlines\r\n', 'bom.txt': '\uFEFFold\n' });
    await call(writeFileTool, { path: 'win.txt', content: 'new\nlines\n' }, ctx);
    assert.equal(await disk('win.txt'), 'new\r\nlines\r\n');
    await call(writeFileTool, { path: 'bom.txt', content: 'new\n' }, ctx);
    assert.equal(await disk('bom.txt'), '\uFEFFnew\n');
  });

  it('write_file keeps the final newline, or its absence, of the file it replaces; a new file is written as given', async () => {
    const { ctx, disk } = await setup({ 'with.txt': 'a\n', 'without.txt': 'a' });
    await call(writeFileTool, { path: 'with.txt', content: 'b\nc' }, ctx);
    assert.equal(await disk('with.txt'), 'b\nc\n');
    await call(writeFileTool, { path: 'without.txt', content: 'b\nc\n' }, ctx);
    assert.equal(await disk('without.txt'), 'b\nc');
    await call(writeFileTool, { path: 'new.txt', content: 'x\r\ny' }, ctx);
    assert.equal(await disk('new.txt'), 'x\r\ny');
    await call(writeFileTool, { path: 'with.txt', content: '' }, ctx);
    assert.equal(await disk('with.txt'), '');
  });

  it('write_file over a file that is not UTF-8 text writes the content as given', async () => {
    const { ctx, disk } = await setup({ 'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]) });
    await call(writeFileTool, { path: 'latin1.txt', content: 'cafe' }, ctx);
    assert.equal(await disk('latin1.txt'), 'cafe');
  });
});
