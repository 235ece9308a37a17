import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { Diagnostic, Diagnostics } from '../../../src/core/ports/diagnostics';
import { getDiagnosticsTool } from '../../../src/core/tools/getDiagnostics';
import { call, scratch, toolContext } from './toolHarness';

/**
 * A source that works as VS Code's problems do: findings only for the files open in the editor (a
 * line of the real file holding `BROKEN` is an error), and able to start checking scripts (.ts) when
 * asked (`prepare`, as the TypeScript server is asked about a file); other files it cannot.
 */
class EditorProblems implements Diagnostics {
  readonly open = new Set<string>();
  constructor(private readonly root: string) {}
  reports(path: string): boolean {
    return this.open.has(path);
  }
  async prepare(paths: readonly string[]): Promise<void> {
    for (const p of paths) if (p.endsWith('.ts')) this.open.add(p);
  }
  async collect(paths?: readonly string[]): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const p of this.open) {
      if (paths && !paths.some((s) => p === s || p.startsWith(`${s}/`))) continue;
      const text = await readFile(join(this.root, p), 'utf8');
      text.split('\n').forEach((l, i) => {
        if (l.includes('BROKEN')) out.push({ path: p, line: i + 1, column: 1, severity: 'error', message: 'broken' });
      });
    }
    return out;
  }
}

describe('get_diagnostics with a source that reports on some files only (the editor)', () => {
  const tmp = scratch('getdiag-open');
  afterEach(() => tmp.cleanup());

  it('a named script the editor has not open is checked first, not said to have no problems', async () => {
    const root = await tmp.make({ 'src/a.ts': 'ok\n', 'src/b.ts': 'BROKEN\n' });
    const source = new EditorProblems(root);
    source.open.add('src/a.ts');
    const r = await call(getDiagnosticsTool, { paths: ['src/b.ts'] }, toolContext(new NodeWorkspace(root), source));
    assert.equal(r.output?.content, 'src/b.ts:1:1 error broken\n[1 finding (1 error) in src/b.ts.]');
  });

  it('a named file it cannot check, and the whole workspace, are said to be unchecked or partly checked, never "no problems" alone', async () => {
    const root = await tmp.make({ 'src/a.ts': 'ok\n', 'tool.py': 'BROKEN\n', 'lib/c.ts': 'BROKEN\n' });
    const source = new EditorProblems(root);
    source.open.add('src/a.ts');
    const ctx = toolContext(new NodeWorkspace(root), source);
    const py = (await call(getDiagnosticsTool, { paths: ['tool.py'] }, ctx)).output?.content ?? '';
    assert.doesNotMatch(py, /No problems found/);
    assert.match(py, /^Not checked: tool\.py\b/);
    const both = (await call(getDiagnosticsTool, { paths: ['tool.py', 'src/a.ts'] }, ctx)).output?.content ?? '';
    assert.match(both, /^No problems found in src\/a\.ts\.\n\[not checked: tool\.py\b/);
    const all = (await call(getDiagnosticsTool, {}, ctx)).output?.content ?? '';
    assert.match(all, /only the files open in the editor/);
    const dir = (await call(getDiagnosticsTool, { paths: ['lib'] }, ctx)).output?.content ?? '';
    assert.match(dir, /only the files open in the editor/);
  });
});
