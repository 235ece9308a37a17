import assert from 'node:assert/strict';
import { builtinTools, toolDefinitions, validateInput } from '../../../src/core/tools/registry';
import { readFileTool } from '../../../src/core/tools/readFile';
import { runCommandTool } from '../../../src/core/tools/runCommand';

describe('tool registry', () => {
  it('has every built-in tool once, each with run xor plan and the right category', () => {
    const tools = builtinTools();
    assert.deepEqual(
      tools.map((t) => `${t.name}:${t.category}:${t.plan ? 'plan' : 'run'}`),
      [
        'read_file:read:run',
        'list_files:read:run',
        'search_text:read:run',
        'edit_file:mutate:plan',
        'write_file:mutate:plan',
        'delete_file:mutate:plan',
        'run_command:mutate:run',
        'get_diagnostics:read:run',
        'read_output:read:run',
        'pin_fact:read:run',
      ],
    );
    for (const t of tools) assert.ok(Boolean(t.plan) !== Boolean(t.run), t.name);
  });

  it('describes the tools to the model as strict JSON schemas', () => {
    const defs = toolDefinitions(builtinTools());
    for (const d of defs) {
      assert.match(d.name, /^[a-z]+(_[a-z]+)*$/);
      assert.ok(d.description.length > 20);
      assert.equal(d.input_schema.type, 'object');
      assert.equal(d.input_schema.additionalProperties, false);
      assert.equal(d.input_schema.$schema, undefined);
    }
    const read = defs.find((d) => d.name === 'read_file')!;
    assert.deepEqual(read.input_schema.required, ['path']);
    assert.deepEqual(Object.keys(read.input_schema.properties as object), ['path', 'start_line', 'end_line']);
  });

  it('validates input, applies defaults, and names every bad field', () => {
    assert.deepEqual(validateInput(readFileTool, { path: 'a.ts' }), { ok: true, value: { path: 'a.ts' } });
    const r = validateInput(readFileTool, { start_line: 'x', bogus: 1, other: 2 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.message, /^Invalid input for read_file: /);
    assert.match(r.message, /path: required/);
    assert.match(r.message, /start_line: expected number, got string/);
    assert.match(r.message, /unknown fields "bogus", "other"/);
    const t = validateInput(runCommandTool, { command: 'ls', timeout_ms: 10_000_000 });
    assert.equal(t.ok, false);
    assert.match(t.ok ? '' : t.message, /timeout_ms: /);
    assert.equal(validateInput(readFileTool, 'not an object').ok, false);
    assert.equal(validateInput(readFileTool, null).ok, false);
  });
});
