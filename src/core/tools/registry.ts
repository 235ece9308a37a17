import type { ToolDefinition } from '../model/types';
import { deleteFileTool } from './deleteFile';
import { editFileTool } from './editFile';
import { getDiagnosticsTool } from './getDiagnostics';
import { listFilesTool } from './listFiles';
import { pinFactTool } from './pinFact';
import { readFileTool } from './readFile';
import { readOutputTool } from './readOutput';
import { runCommandTool } from './runCommand';
import { searchTextTool } from './searchText';
import type { Tool } from './tool';
import { writeFileTool } from './writeFile';
import { invalidToolInput } from '../model/toolInputRepair';

/** Every tool the agent has, in the order they are described to the model. */
export function builtinTools(): Tool[] {
  return [readFileTool, listFilesTool, searchTextTool, editFileTool, writeFileTool, deleteFileTool, runCommandTool, getDiagnosticsTool, readOutputTool, pinFactTool];
}

/** The tools as the model API describes them. */
export function toolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
}

export type ValidationResult<I> = { ok: true; value: I } | { ok: false; message: string };

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  keys?: string[];
}

function fieldName(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`)).join('');
}

/** The value at `p` in `raw` (zod does not report inputs by default). */
function valueAt(raw: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeIssue(issue: Issue, raw: unknown): string {
  const field = fieldName(issue.path);
  const input = valueAt(raw, issue.path);
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const where = field === '' ? '' : ` in ${field}`;
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${where}`;
  }
  if (issue.code === 'invalid_type' && input === undefined) return `${field || 'input'}: required (${issue.expected ?? 'a value'})`;
  if (issue.code === 'invalid_type') return `${field || 'input'}: expected ${issue.expected ?? 'another type'}, got ${typeName(input)}`;
  return `${field || 'input'}: ${issue.message}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The model's raw input checked against the tool's schema, with a message naming every bad field. */
export function validateInput<I>(tool: Tool<I>, raw: unknown): ValidationResult<I> {
  const unreadable = invalidToolInput(raw);
  if (unreadable) return { ok: false, message: `Not run: the input you wrote for ${tool.name} is not valid JSON (${unreadable.error}). Send the call again with its input as valid JSON.` };
  const r = tool.schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issues = (r.error.issues as unknown as Issue[]).map((i) => describeIssue(i, raw));
  return { ok: false, message: `Invalid input for ${tool.name}: ${issues.join('; ')}.` };
}
