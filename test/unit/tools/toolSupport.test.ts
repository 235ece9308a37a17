import assert from 'node:assert/strict';
import { realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { WorkspaceError } from '../../../src/core/ports/workspace';
import { ToolError } from '../../../src/core/tools/tool';
import { headTail, lineOf, lineStarts, looksBinary, toToolError, workspacePath } from '../../../src/core/tools/toolSupport';
import { findIgnoringWhitespace } from '../../../src/core/tools/editMatch';
import { scratch } from './toolHarness';

describe('tool support', () => {
  const tmp = scratch('support');
  afterEach(() => tmp.cleanup());

  it('gives paths in canonical workspace-relative form, whatever form the model used', async () => {
    const root = await tmp.make({ 'src/a.ts': '' });
    const ws = new NodeWorkspace(root);
    assert.equal(await workspacePath(ws, './src//a.ts'), 'src/a.ts');
    assert.equal(await workspacePath(ws, 'src/../src/a.ts'), 'src/a.ts');
    assert.equal(await workspacePath(ws, 'src/'), 'src');
    assert.equal(await workspacePath(ws, '.'), '.');
    assert.equal(await workspacePath(ws, path.join(root, 'src/a.ts')), 'src/a.ts');
    assert.equal(await workspacePath(ws, path.join(await realpath(root), 'src/a.ts')), 'src/a.ts');
    assert.equal(await workspacePath(ws, root), '.');
    await symlink('src', path.join(root, 'alias'));
    assert.equal(await workspacePath(ws, 'alias/a.ts'), 'alias/a.ts');
    await assert.rejects(workspacePath(ws, '../x'), (e: unknown) => ToolError.is(e, 'OUTSIDE_WORKSPACE'));
    await assert.rejects(workspacePath(ws, '/'), (e: unknown) => ToolError.is(e, 'OUTSIDE_WORKSPACE'));
  });

  it('maps workspace errors to tool errors and leaves others alone', () => {
    const mapped = (code: WorkspaceError['code']) => (toToolError(new WorkspaceError(code, 'p', 'msg')) as ToolError).code;
    assert.equal(mapped('OUTSIDE_WORKSPACE'), 'OUTSIDE_WORKSPACE');
    assert.equal(mapped('NOT_FOUND'), 'NOT_FOUND');
    assert.equal(mapped('IS_DIRECTORY'), 'IS_DIRECTORY');
    assert.equal(mapped('NOT_DIRECTORY'), 'INVALID_INPUT');
    assert.equal(mapped('INVALID_PATH'), 'INVALID_INPUT');
    assert.equal((toToolError(Object.assign(new Error('x'), { code: 'EACCES' })) as ToolError).code, 'FAILED');
    const other = new Error('disk on fire');
    assert.equal(toToolError(other), other);
  });

  it('cuts head and tail, finds lines, sniffs binary, and finds whitespace-insensitive matches', () => {
    const bytes = new TextEncoder().encode('abcdefghij');
    assert.deepEqual(headTail(bytes, 3, 2), { text: 'abc\n[... 5 bytes cut ...]\nij', cut: 5 });
    assert.deepEqual(headTail(bytes, 5, 5), { text: 'abcdefghij', cut: 0 });
    const starts = lineStarts('a\nbb\nccc\n');
    assert.deepEqual(starts, [0, 2, 5]);
    assert.deepEqual([0, 1, 2, 4, 5, 8].map((o) => lineOf(starts, o)), [1, 1, 2, 2, 3, 3]);
    assert.equal(looksBinary(new Uint8Array([65, 0, 66])), true);
    assert.equal(looksBinary(new TextEncoder().encode('plain')), false);
    assert.deepEqual(findIgnoringWhitespace('x\n  if (a)  {\n\treturn;\n}', 'if (a) {\n return;'), [4]);
    assert.deepEqual(findIgnoringWhitespace('abc', '   '), []);
  });
});
