import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture } from '../../../src/core/node/nodeChangeCapture';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { Diagnostic, Diagnostics } from '../../../src/core/ports/diagnostics';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { describeStepDiagnostics } from '../../../src/core/runner/stepDiagnostics';
import { diagnosticsOf } from '../../../src/core/runner/timelineView';
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/**
 * A source that works as VS Code's problems do: findings only for the documents open in the editor
 * (a language server checks those), read from the real files: a line holding `BROKEN(<why>)` is an
 * error. `settle` opens the changed files. With `disposeOthers`, opening files closes the rest, as
 * the editor closes a tab.
 */
class OpenDocuments implements Diagnostics {
  readonly open = new Set<string>();
  constructor(
    private readonly root: string,
    private readonly disposeOthers = false,
  ) {}

  private openOnly(paths: readonly string[]): void {
    if (this.disposeOthers) this.open.clear();
    for (const p of paths) this.open.add(p);
  }
  async settle(changed: readonly string[]): Promise<void> {
    this.openOnly(changed);
  }
  reports(path: string): boolean {
    return this.open.has(path);
  }
  async collect(paths?: readonly string[]): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const p of this.open) {
      if (paths && !paths.includes(p)) continue;
      const text = await readFile(join(this.root, p), 'utf8').catch(() => '');
      text.split('\n').forEach((l, i) => {
        const m = /BROKEN\((\w+)\)/.exec(l);
        if (m) out.push({ path: p, line: i + 1, column: m.index + 1, severity: 'error', message: `broken ${m[1]}` });
      });
    }
    return out;
  }
}

/** The same, able to start reporting on files before a step changes them (as VS Code asks the TypeScript server). */
class PreparedDocuments extends OpenDocuments {
  async prepare(paths: readonly string[]): Promise<void> {
    for (const p of paths) this.open.add(p);
  }
}

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('findings of a source that reports only open files (VS Code): a step is blamed only for what it did', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  function runner(source: Diagnostics, extra = {}) {
    return h.runner(new ScriptedGate(), { diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes: new NodeProcessRunner(), diagnostics: source }, ...extra });
  }

  it('an edit to a file that already had an error (not open) introduces nothing, and says the file was not checked before; a real new error still counts', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/b.ts', old_text: '// header', new_text: '// header, edited' }),
        toolUse('e2', 'edit_file', { path: 'src/b.ts', old_text: 'export const ok = 1;', new_text: 'export const ok = BROKEN(two);' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'e2', lastUserContains: 'introduced 1 error (now 2 errors' }),
      ],
      { 'src/b.ts': '// header\nexport const legacy = BROKEN(legacy);\nexport const ok = 1;\n' },
    );
    const source = new OpenDocuments(h.workspace);
    const r = runner(source);
    const id = await h.start(r);
    assert.equal((await r.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const [e1, e2] = results(await h.events(id));
    assert.equal(e1?.diagnostics?.introducedCount, 0, JSON.stringify(e1?.diagnostics));
    assert.deepEqual(e1?.diagnostics?.delta, { errors: 0, warnings: 0 });
    assert.doesNotMatch(e1?.content ?? '', /introduced/);
    assert.deepEqual(e1?.diagnostics?.unchecked, ['src/b.ts']);
    assert.match(e1?.content ?? '', /src\/b\.ts was not checked before this step: its findings are not counted as new \(now 1 error, 0 warnings\)/);
    assert.equal(e2?.diagnostics?.introducedCount, 1);
    assert.equal(e2?.diagnostics?.introduced[0]?.message, 'broken two');
  });

  it('a source that can report on a file before the edit: its existing error is in the base, exactly, and nothing is unchecked', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/b.ts', old_text: '// header', new_text: '// header, edited' }),
        toolUse('e2', 'edit_file', { path: 'src/b.ts', old_text: 'export const ok = 1;', new_text: 'export const ok = BROKEN(two);' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'e2', lastUserContains: 'introduced 1 error (now 2 errors' }),
      ],
      { 'src/b.ts': '// header\nexport const legacy = BROKEN(legacy);\nexport const ok = 1;\n' },
    );
    const r = runner(new PreparedDocuments(h.workspace));
    const id = await h.start(r);
    assert.equal((await r.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const [e1, e2] = results(await h.events(id));
    assert.deepEqual(e1?.diagnostics && { errors: e1.diagnostics.errors, delta: e1.diagnostics.delta, introduced: e1.diagnostics.introducedCount, unchecked: e1.diagnostics.unchecked }, { errors: 1, delta: { errors: 0, warnings: 0 }, introduced: 0, unchecked: undefined });
    assert.equal(e2?.diagnostics?.introducedCount, 1);
  });

  it('a document the editor closed since is not "fixed": its last known findings are kept', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }),
        toolUse('e2', 'write_file', { path: 'b.ts', content: 'fine\n' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'e2' }),
      ],
      { 'a.ts': 'ok\n' },
    );
    const source = new OpenDocuments(h.workspace, true);
    source.open.add('a.ts');
    const r = runner(source);
    const id = await h.start(r);
    assert.equal((await r.run(id)).status, 'completed');
    const [e1, e2] = results(await h.events(id));
    assert.equal(e1?.diagnostics?.introducedCount, 1);
    assert.equal(e2?.diagnostics?.resolvedCount, 0, JSON.stringify(e2?.diagnostics));
    assert.deepEqual(e2?.diagnostics?.delta, { errors: 0, warnings: 0 });
    assert.equal(e2?.diagnostics?.errors, 1, 'a.ts still has its error, as far as anyone knows');
  });

  it('a command that changes a file no one checked before: its old errors are not counted as new, and the record says so', async () => {
    h = await harness(
      [
        toolUse('c1', 'run_command', { command: "node -e \"const f=require('fs');f.writeFileSync('src/b.ts', f.readFileSync('src/b.ts','utf8').replace('header','formatted'));f.writeFileSync('src/new.ts','BROKEN(created)\\n')\"" }),
        finalText('done', { toolResultFor: 'c1', lastUserContains: 'introduced 1 error' }),
      ],
      { 'src/b.ts': '// header\nexport const legacy = BROKEN(legacy);\n' },
    );
    const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const r = runner(new OpenDocuments(h.workspace), { capture });
    const id = await h.start(r);
    const end = await r.run(id).finally(() => capture.dispose());
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.server.violations(), []);
    const [c1] = results(await h.events(id));
    const d = c1?.diagnostics;
    assert.ok(d, JSON.stringify(c1));
    assert.equal(d.introducedCount, 1, JSON.stringify(d));
    assert.equal(d.introduced[0]?.path, 'src/new.ts', 'a file the command created: its errors are its own');
    assert.deepEqual(d.unchecked, ['src/b.ts']);
    assert.deepEqual(d.delta, { errors: 1, warnings: 0 });
    assert.match(describeStepDiagnostics(d), /introduced 1 error .*src\/b\.ts was not checked before this step/);
    assert.match(c1?.content ?? '', /src\/b\.ts was not checked before this step/, 'the model is told too');
    assert.deepEqual(diagnosticsOf(d)?.unchecked, ['src/b.ts'], 'and the sidebar');
  });
});
