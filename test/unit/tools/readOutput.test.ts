import assert from 'node:assert/strict';
import { readOutputTool } from '../../../src/core/tools/readOutput';
import type { ToolContext } from '../../../src/core/tools/tool';
import { call, scratch, toolContext } from './toolHarness';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';

describe('read_output', () => {
  const tmp = scratch('readout');
  afterEach(() => tmp.cleanup());

  async function withOutput(bytes: Uint8Array): Promise<ToolContext> {
    const ctx = toolContext(new NodeWorkspace(await tmp.make()));
    return { ...ctx, outputs: { read: async (id: string) => (id === 'call_1' ? bytes : undefined) } };
  }

  it('pages between characters: a page never ends inside a multi-byte one', async () => {
    // 'é' is two bytes: a length of 3 would end inside the second one.
    const ctx = await withOutput(new TextEncoder().encode('éé-end'));
    const first = await call(readOutputTool, { call_id: 'call_1', length: 3 }, ctx);
    assert.equal(first.output?.content, 'é\n[bytes 0-2 of 8; continue with offset 2]');
    const next = await call(readOutputTool, { call_id: 'call_1', offset: 2 }, ctx);
    assert.equal(next.output?.content, 'é-end\n[bytes 2-8 of 8; end of output]');
  });

  it('starts at the next character when the offset falls inside one, and says where it started', async () => {
    // '€' is three bytes (2-4): offset 3 is inside it.
    const ctx = await withOutput(new TextEncoder().encode('a-€-end'));
    const page = await call(readOutputTool, { call_id: 'call_1', offset: 3 }, ctx);
    assert.equal(page.output?.content, '-end\n[bytes 5-9 of 9; end of output]');
  });

  it('says when a call has no kept output, and when the offset is past the end', async () => {
    const ctx = await withOutput(new TextEncoder().encode('abc'));
    assert.equal((await call(readOutputTool, { call_id: 'other' }, ctx)).error?.code, 'NOT_FOUND');
    assert.equal((await call(readOutputTool, { call_id: 'call_1', offset: 3 }, ctx)).error?.code, 'INVALID_INPUT');
  });
});
