import assert from 'node:assert/strict';
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
 * A file a command renamed takes its findings with it: a plain rename (`git mv a.ts b.ts`) changes no
 * code, so the step introduces and fixes nothing, and the model is not told to look at an error it
 * did not make.
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

describe('step findings of a plain rename', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    capture = undefined;
    await h?.close();
    h = undefined;
  });

  it('a command that only renames a file with a known error introduces nothing and fixes nothing', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'a.ts', old_text: 'ok', new_text: 'BROKEN(one)' }),
        toolUse('c1', 'run_command', { command: "node -e \"require('fs').renameSync('a.ts','b.ts')\"" }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'c1' }),
      ],
      { 'a.ts': 'ok\n' },
    );
    capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore() });
    await capture.start();
    const source = new OpenDocuments(h.workspace);
    const r = h.runner(new ScriptedGate(), { capture, diagnoseSteps: true, toolContext: { workspace: new NodeWorkspace(h.workspace), processes: new NodeProcessRunner(), diagnostics: source } });
    const id = await h.start(r);
    assert.equal((await r.run(id)).status, 'completed');
    const [, c1] = results(await h.events(id));
    assert.deepEqual(c1?.sideEffects?.map((s) => `${s.kind} ${s.from ?? ''}->${s.path}`), ['renamed a.ts->b.ts']);
    const d = c1?.diagnostics;
    assert.deepEqual(
      { errors: d?.errors, introduced: d?.introducedCount, resolved: d?.resolvedCount },
      { errors: 1, introduced: 0, resolved: 0 },
      `the rename is reported as ${JSON.stringify(d)}; the model reads: ${JSON.stringify(c1?.content ?? '')}`,
    );
  });
});
