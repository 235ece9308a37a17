import assert from 'node:assert/strict';
import { mkfifo } from './fifo';
import path from 'node:path';
import { symlink } from 'node:fs/promises';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { READ_MAX_BYTES, READ_MAX_LINES, readFileTool } from '../../../src/core/tools/readFile';
import { call, scratch, text, toolContext } from './toolHarness';

describe('read_file', () => {
  const tmp = scratch('read');
  afterEach(() => tmp.cleanup());

  async function setup(files: Record<string, string | Uint8Array>) {
    const root = await tmp.make(files);
    return { root, ctx: toolContext(new NodeWorkspace(root)) };
  }

  it('returns the whole file as it is', async () => {
    const { ctx } = await setup({ 'src/a.ts': 'line 1\r\nline 2\n' });
    const r = await call(readFileTool, { path: 'src/a.ts' }, ctx);
    assert.equal(r.output?.content, 'line 1\r\nline 2\n');
    assert.equal(r.output?.isError, undefined);
    assert.equal(r.output?.full, undefined);
  });

  it('returns a line range, and says which lines it shows', async () => {
    const { ctx } = await setup({ 'a.txt': 'one\ntwo\nthree\nfour\n' });
    assert.equal((await call(readFileTool, { path: 'a.txt', start_line: 2, end_line: 3 }, ctx)).output?.content, 'two\nthree\n[Lines 2-3 of 4 in a.txt.]');
    assert.equal((await call(readFileTool, { path: 'a.txt', start_line: 4, end_line: 99 }, ctx)).output?.content, 'four\n[Lines 4-4 of 4 in a.txt.]');
    const past = await call(readFileTool, { path: 'a.txt', start_line: 9 }, ctx);
    assert.equal(past.error?.code, 'INVALID_INPUT');
    assert.match(past.error?.message ?? '', /has 4 lines/);
    assert.equal((await call(readFileTool, { path: 'a.txt', start_line: 3, end_line: 2 }, ctx)).error?.code, 'INVALID_INPUT');
    assert.equal((await call(readFileTool, { path: 'a.txt', start_line: 0 }, ctx)).error?.code, 'INVALID_INPUT');
  });

  it(`cuts at ${READ_MAX_LINES} lines, keeps the full bytes, and says how to read on`, async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `l${i + 1}`).join('\n');
    const { ctx } = await setup({ 'big.txt': body });
    const r = await call(readFileTool, { path: 'big.txt' }, ctx);
    const lines = r.output!.content.split('\n');
    assert.equal(lines[READ_MAX_LINES - 1], `l${READ_MAX_LINES}`);
    assert.match(lines[READ_MAX_LINES] ?? '', /Showing lines 1-2000 of 3000 in big\.txt.*start_line=2001/);
    assert.equal(text(r.output?.full), body);
    const rest = await call(readFileTool, { path: 'big.txt', start_line: 2001 }, ctx);
    assert.ok(rest.output?.content.startsWith('l2001\n'));
    assert.ok(rest.output?.content.includes('l3000\n[Lines 2001-3000 of 3000'));
  });

  it('cuts by size when the lines are long, and cuts a single huge line', async () => {
    const line = `${'x'.repeat(999)}\n`;
    const { ctx } = await setup({ 'wide.txt': line.repeat(300), 'one.min.js': 'y'.repeat(READ_MAX_BYTES * 2) });
    const r = await call(readFileTool, { path: 'wide.txt' }, ctx);
    assert.ok(r.output!.content.length <= READ_MAX_BYTES + 200);
    assert.match(r.output!.content, /Showing lines 1-\d+ of 300 .*start_line=\d+/);
    assert.equal(r.output?.full?.length, 300_000);
    const huge = await call(readFileTool, { path: 'one.min.js' }, ctx);
    assert.match(huge.output!.content, /Line 1 is longer than .* and was cut/);
    assert.ok(huge.output!.content.length < READ_MAX_BYTES + 300);
  });

  it('says a binary file is binary, and an empty file is empty', async () => {
    const { ctx } = await setup({ 'img.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]), 'empty.txt': '' });
    const bin = await call(readFileTool, { path: 'img.png' }, ctx);
    assert.equal(bin.output?.isError, true);
    assert.match(bin.output!.content, /binary file/);
    assert.match((await call(readFileTool, { path: 'empty.txt' }, ctx)).output!.content, /empty/);
  });

  it('says a file is not UTF-8 (shown with U+FFFD), and that a UTF-16 one is UTF-16', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]);
    const { ctx } = await setup({ 'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'utf16.txt': utf16 });
    const latin1 = await call(readFileTool, { path: 'latin1.txt' }, ctx);
    assert.equal(latin1.output?.content, 'caf\uFFFD\n[latin1.txt is not valid UTF-8 (another encoding?): the bytes that are not are shown as \uFFFD. edit_file cannot change it.]');
    assert.match((await call(readFileTool, { path: 'utf16.txt' }, ctx)).output!.content, /binary file \(6 bytes, UTF-16 text\)/);
  });

  it('maps missing files, directories and special files to ToolErrors', async () => {
    const { root, ctx } = await setup({ 'src/a.ts': '' });
    assert.equal((await call(readFileTool, { path: 'nope.ts' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(readFileTool, { path: 'src' }, ctx)).error?.code, 'IS_DIRECTORY');
    if (await mkfifo(path.join(root, 'pipe'))) assert.equal((await call(readFileTool, { path: 'pipe' }, ctx)).error?.code, 'INVALID_INPUT');
    const bad = await call(readFileTool, { path: 'a.ts', extra: 1 }, ctx);
    assert.equal(bad.error?.code, 'INVALID_INPUT');
    assert.match(bad.error!.message, /unknown field "extra"/);
  });

  it('refuses .. and symlinks leading outside (directory and file)', async () => {
    const outside = await tmp.make({ 'secret.txt': 'S', 'dir/x.txt': 'X' });
    const { root, ctx } = await setup({ 'a.txt': 'A' });
    await symlink(path.join(outside, 'dir'), path.join(root, 'linkdir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    for (const p of ['../x', `../${path.basename(outside)}/secret.txt`, path.join(outside, 'secret.txt'), 'linkdir/x.txt', 'link.txt']) {
      const r = await call(readFileTool, { path: p }, ctx);
      assert.equal(r.error?.code, 'OUTSIDE_WORKSPACE', p);
      assert.doesNotMatch(r.error!.message, /\bS\b|\bX\b/);
    }
  });
});
