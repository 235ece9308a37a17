import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { ApprovalPolicy } from '../../../src/core/runner/approvalPolicy';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const THEIRS_ELSEWHERE = ORIGINAL.replace('return 3;', 'return 3; // by the other session');
const THEIRS_SAME = ORIGINAL.replace('return 1;', 'return -1; // by the other session');
const AUTO: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

/**
 * Another session (or the user's save) writes a file between the moment an edit of it is planned
 * (read, its new text made) and the moment it is written (the intent journaled and fsynced, the
 * findings before the step taken, which can take seconds): the planned version is stale, and
 * writing it would silently undo the other writer's change.
 */
describe('a file written by someone else between an edit\'s plan and its write', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  async function run(theirs: string) {
    const h = await harness([toolUse('e1', 'edit_file', { path: 'src/f.ts', old_text: 'return 1;', new_text: 'return 100;' }), finalText('done', { toolResultFor: 'e1' })], { 'src/f.ts': ORIGINAL });
    const file = join(h.workspace, 'src/f.ts');
    // Right after the intent is journaled, before the write: the other session's edit lands.
    const runner = h.runner(undefined, { probe: (p) => p === 'inside:edit_file' && writeFileSync(file, theirs) });
    const id = await runner.start({ task: 'do the task', models: ['claude-sonnet-4-6'], policy: AUTO });
    assert.equal((await runner.run(id)).status, 'completed');
    return { h, id, text: readFileSync(file, 'utf8'), e1: results(await h.events(id)).find((r) => r.callId === 'e1') };
  }

  it('is merged with that change when the lines do not overlap (never written over it), and the model is told', async () => {
    const { h, id, text, e1 } = await run(THEIRS_ELSEWHERE);
    assert.equal(text, THEIRS_ELSEWHERE.replace('return 1;', 'return 100;'), "the other writer's change was lost");
    assert.equal(e1?.isError, false);
    assert.match(e1?.content ?? '', /merged with changes made outside the session/);
    assert.match(e1?.content ?? '', /by the other session/);
    // The session's change went from the other's version to the merge: its rewind gives the other's version back.
    const ws = new NodeWorkspace(h.workspace);
    const plan = await planRewind(h.store, ws, id, 0);
    assert.deepEqual(plan.files.filter((f) => f.conflict).map((f) => f.path), []);
    await applyRewind(h.store, ws, plan);
    assert.equal(readFileSync(join(h.workspace, 'src/f.ts'), 'utf8'), THEIRS_ELSEWHERE);
  });

  it('on the same lines: nothing is written, the other change stays, and the model is told to read the file again', async () => {
    const { text, e1 } = await run(THEIRS_SAME);
    assert.equal(text, THEIRS_SAME, "the other writer's change was lost");
    assert.equal(e1?.isError, true);
    assert.match(e1?.content ?? '', /src\/f\.ts changed outside the session while the edit was being made/);
    assert.match(e1?.content ?? '', /read it again/);
  });
});
