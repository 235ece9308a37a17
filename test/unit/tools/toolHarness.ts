import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import type { Diagnostic, Diagnostics } from '../../../src/core/ports/diagnostics';
import type { Workspace } from '../../../src/core/ports/workspace';
import { validateInput } from '../../../src/core/tools/registry';
import { ToolError, type FileChange, type Tool, type ToolContext, type ToolOutput } from '../../../src/core/tools/tool';

/** Diagnostics that return a fixed list, filtered like the real ones, and record their calls. */
export class FakeDiagnostics implements Diagnostics {
  calls: (readonly string[] | undefined)[] = [];
  constructor(public found: Diagnostic[] = []) {}
  async collect(paths?: readonly string[]): Promise<Diagnostic[]> {
    this.calls.push(paths);
    if (!paths) return this.found;
    return this.found.filter((d) => paths.some((p) => d.path === p || d.path.startsWith(`${p}/`)));
  }
}

/** Real temporary directories: `make` one per test, `cleanup` after each. */
export function scratch(prefix: string) {
  const made: string[] = [];
  return {
    async make(files: Record<string, string | Uint8Array> = {}): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), `savepoint-${prefix}-`));
      made.push(dir);
      await writeTree(dir, files);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Writes `files` (relative path -> contents; a path ending in `/` is an empty directory) under `dir`. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (rel.endsWith('/')) {
      await mkdir(abs, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

export function toolContext(workspace: Workspace, diagnostics: Diagnostics = new FakeDiagnostics(), signal = new AbortController().signal): ToolContext {
  return { workspace, processes: new NodeProcessRunner(), diagnostics, signal };
}

/** What the runner would do with one call: validate, then run or plan+apply. ToolErrors are returned, not thrown. */
export async function call(tool: Tool, raw: unknown, ctx: ToolContext): Promise<{ output?: ToolOutput; changes?: FileChange[]; error?: ToolError }> {
  const v = validateInput(tool, raw);
  if (!v.ok) return { error: new ToolError('INVALID_INPUT', v.message) };
  try {
    if (tool.plan) {
      const changes = await tool.plan(v.value, ctx);
      for (const c of changes) {
        if (c.after === null) await ctx.workspace.deleteFile(c.path);
        else await ctx.workspace.writeFile(c.path, c.after);
      }
      return { changes };
    }
    if (!tool.run) throw new Error(`${tool.name} has neither plan nor run`);
    return { output: await tool.run(v.value, ctx) };
  } catch (e) {
    if (ToolError.is(e)) return { error: e };
    throw e;
  }
}

export const text = (b: Uint8Array | null | undefined): string | null => (b == null ? null : Buffer.from(b).toString('utf8'));
