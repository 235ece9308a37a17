import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { mergedNote } from '../../../src/core/runner/outsideChanges';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');
const THEIRS_ELSEWHERE = ORIGINAL.replace('return 3;', 'return 3; // tuned by hand');
const MERGED = OURS.replace('return 3;', 'return 3; // tuned by hand');

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

describe('an approved edit merged with an outside change tells the model what that change was', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function mergedResult(original: string, ours: string, outside: string): Promise<string> {
    h = await harness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: ours }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': original });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    await writeFile(join(h.workspace, 'src/f.ts'), outside);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool'], 'a clean merge asks nothing more');
    return results(await h.events(id)).find((r) => r.callId === 'w1')?.content ?? '';
  }

  it('the result shows the outside change as a diff and says the file holds both', async () => {
    const w1 = await mergedResult(ORIGINAL, OURS, THEIRS_ELSEWHERE);
    assert.equal(await readFile(join((h as Harness).workspace, 'src/f.ts'), 'utf8'), MERGED);
    assert.match(w1, /merged with changes made outside the session since the edit was approved: src\/f\.ts/);
    assert.match(w1, /holds both your edit and the outside change/);
    // From the version the model last knew to the disk before the merge: the user's line, not the model's own edit.
    assert.match(w1, /^-  return 3;\n\+  return 3; \/\/ tuned by hand$/m);
    assert.doesNotMatch(w1, /return 100;/);
  });

  it('a large outside change is cut, as other tool output is', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `export const v${i} = ${i};\n`);
    const original = lines.join('');
    const ours = original.replace('export const v0 = 0;', 'export const v0 = -1;');
    // The user rewrote every line after the first hundred.
    const outside = lines.map((l, i) => (i >= 100 ? l.replace(';', '; // by hand') : l)).join('');
    const w1 = await mergedResult(original, ours, outside);
    assert.match(w1, /diff cut at \d+ of \d+ characters/);
    assert.ok(w1.length < 8_000, `the result is ${w1.length} characters`);
  });

  it('an edit in flight at a crash, merged at resume with what changed on disk, shows that change too', async () => {
    h = await harness([toolUse('w1', 'write_file', { path: 'src/f.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })], { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:write_file') }).run(id), Crash);
    await writeFile(join(h.workspace, 'src/f.ts'), THEIRS_ELSEWHERE);
    assert.equal((await h.runner(new ScriptedGate()).run(id)).status, 'completed');
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), MERGED);
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1')?.content ?? '';
    assert.match(w1, /merged with changes made outside the session while the edit was interrupted: src\/f\.ts/);
    assert.match(w1, /^\+  return 3; \/\/ tuned by hand$/m);
  });

  it('many merged files: the note stops at its cap and counts the files left out', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const big = Array.from({ length: 400 }, (_, i) => `line ${i}\n`).join('');
    const files = Array.from({ length: 10 }, (_, i) => ({ path: `src/f${i}.ts`, base: enc(big), disk: enc(big.replace(/line/g, 'LINE')) }));
    const note = mergedNote(files, 'since the edit was approved');
    assert.ok(note.length < 14_000, `the note is ${note.length} characters`);
    assert.match(note, /\(\d+ more merged files not shown: read them before editing\)$/);
  });
});
