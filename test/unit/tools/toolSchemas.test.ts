import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forgetTool, recallTool, rememberTool } from '../../../src/core/memory/memoryTools';
import { builtinTools, toolDefinitions } from '../../../src/core/tools/registry';

/**
 * The tools as the model reads them, byte for byte: each tool's JSON schema is made at its first use
 * (start-up made all of them), and what the model is sent must stay what it was. toolSchemas.json
 * is that text; a change to a tool's schema updates it on purpose.
 */
describe('tool definitions sent to the model', () => {
  const expected = readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'tools', 'toolSchemas.json'), 'utf8');
  const sent = () => JSON.stringify(toolDefinitions([...builtinTools(), rememberTool, recallTool, forgetTool]));

  it('are the text of toolSchemas.json, asked once or again', () => {
    assert.equal(sent(), expected);
    assert.equal(sent(), expected);
  });

  it('give each tool one schema object, made once', () => {
    for (const t of builtinTools()) assert.equal(t.inputSchema, t.inputSchema, t.name);
  });
});
