import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
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
 * the editor closes a tab; a document whose file is gone is closed.
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
      // A document whose file is gone is closed by the editor (and its problems cleared).
      const text = await readFile(join(this.root, p), 'utf8').catch(() => undefined);
      if (text === undefined) {
        this.open.delete(p);
        continue;
      }
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
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    capture = undefined;
    await h?.close();
  });

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

  it('a command that renames a file with an error: the error moves with it (counted once, at its new path), and the rename introduces and fixes nothing', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }),
        toolUse('c1', 'run_command', { command: "node -e \"require('fs').renameSync('a.ts','b.ts')\"" }, { toolResultFor: 'e1' }),
        toolUse('w1', 'write_file', { path: 'c.ts', content: 'fine\n' }, { toolResultFor: 'c1' }),
        finalText('done', { toolResultFor: 'w1' }),
      ],
      { 'a.ts': 'ok\n' },
    );
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const r = runner(new OpenDocuments(h.workspace), { capture });
    const id = await h.start(r);
    assert.equal((await r.run(id)).status, 'completed');
    const [e1, c1, w1] = results(await h.events(id));
    assert.equal(e1?.diagnostics?.errors, 1);
    assert.deepEqual(c1?.sideEffects?.map((s) => `${s.kind} ${s.from ?? ''}->${s.path}`), ['renamed a.ts->b.ts']);
    // One error exists in the workspace (b.ts line 1). The step and the next say how many there are now.
    assert.deepEqual({ afterRename: c1?.diagnostics?.errors, afterNextStep: w1?.diagnostics?.errors }, { afterRename: 1, afterNextStep: 1 }, JSON.stringify({ c1: c1?.diagnostics, w1: w1?.diagnostics }));
    const d = c1?.diagnostics;
    assert.deepEqual({ introduced: d?.introducedCount, resolved: d?.resolvedCount }, { introduced: 0, resolved: 0 }, `the rename is reported as ${JSON.stringify(d)}; the model reads: ${JSON.stringify(c1?.content ?? '')}`);
  });

  it('a file with a known error that the user deletes between steps (no tab open on it): its error is not counted on and on', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }),
        toolUse('w1', 'write_file', { path: 'c.ts', content: 'fine\n' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'w1' }),
      ],
      { 'a.ts': 'ok\n' },
    );
    const source = new OpenDocuments(h.workspace);
    // Between the two steps the user deletes a.ts in the explorer (its tab closes with it).
    const ws = h.workspace;
    const probe = (where: string) => {
      if (where === 'inside:write_file') {
        rmSync(join(ws, 'a.ts'));
        source.open.delete('a.ts');
      }
    };
    const r2 = runner(source, { probe });
    const id = await h.start(r2);
    assert.equal((await r2.run(id)).status, 'completed');
    const [e1, w1] = results(await h.events(id));
    assert.equal(e1?.diagnostics?.errors, 1);
    assert.equal(w1?.diagnostics?.errors, 0, `a.ts is deleted, yet the step says ${JSON.stringify(w1?.diagnostics)}`);
    // The user removed the error, not the step: nothing resolved, nothing introduced.
    assert.deepEqual({ delta: w1?.diagnostics?.delta, resolved: w1?.diagnostics?.resolvedCount, introduced: w1?.diagnostics?.introducedCount }, { delta: { errors: 0, warnings: 0 }, resolved: 0, introduced: 0 });
  });
});
