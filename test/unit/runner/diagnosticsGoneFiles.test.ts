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
import { ScriptedGate, finalText, harness, toolUse, type Harness } from './runnerHarness';

/**
 * A source that reports on some files only (the editor's Problems) keeps the findings of files it no
 * longer reports on from the base; a file renamed or deleted since is not one of them.
 */

/** VS Code's problems as a language server gives them: findings for open documents only, `BROKEN(x)` is an error. */
class OpenDocuments implements Diagnostics {
  readonly open = new Set<string>();
  constructor(private readonly root: string) {}
  async settle(changed: readonly string[]): Promise<void> {
    for (const p of changed) this.open.add(p);
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

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('step findings of files a command renamed or the user deleted', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    capture = undefined;
    await h?.close();
    h = undefined;
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
    const source = new OpenDocuments(h.workspace);
    const r = h.runner(new ScriptedGate(), { capture, diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes: new NodeProcessRunner(), diagnostics: source } });
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
    const r2 = h.runner(new ScriptedGate(), { diagnoseSteps: true, probe, toolContext: { workspace: new NodeWorkspace(h.workspace), processes: new NodeProcessRunner(), diagnostics: source } });
    const id = await h.start(r2);
    assert.equal((await r2.run(id)).status, 'completed');
    const [e1, w1] = results(await h.events(id));
    assert.equal(e1?.diagnostics?.errors, 1);
    assert.equal(w1?.diagnostics?.errors, 0, `a.ts is deleted, yet the step says ${JSON.stringify(w1?.diagnostics)}`);
    // The user removed the error, not the step: nothing resolved, nothing introduced.
    assert.deepEqual({ delta: w1?.diagnostics?.delta, resolved: w1?.diagnostics?.resolvedCount, introduced: w1?.diagnostics?.introducedCount }, { delta: { errors: 0, warnings: 0 }, resolved: 0, introduced: 0 });
  });
});
