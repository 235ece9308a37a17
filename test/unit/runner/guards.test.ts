import assert from 'node:assert/strict';
import { emptyCounters, exhausted, raise } from '../../../src/core/runner/budgets';
import { callKey, detectLoop } from '../../../src/core/runner/loopDetector';

const rec = (key: string, progressed = false) => ({ key, progressed });

describe('budgets', () => {
  it('reports the first exhausted budget and treats 0 as no limit', () => {
    const c = { ...emptyCounters(), steps: 10, tokens: 5000, costUsd: 0.5, toolFailures: { run_command: 3 } };
    assert.equal(exhausted({}, c), undefined);
    assert.equal(exhausted({ maxSteps: 0, maxTokens: 0 }, c), undefined);
    assert.deepEqual(exhausted({ maxSteps: 10 }, c), { kind: 'steps', limit: 10, used: 10 });
    assert.equal(exhausted({ maxCostUsd: 0.5 }, c)?.kind, 'cost');
    assert.deepEqual(exhausted({ maxToolFailures: 3 }, c), { kind: 'tool_failures', limit: 3, used: 3, tool: 'run_command' });
  });

  it('raises an exhausted budget past what was used', () => {
    const c = { ...emptyCounters(), tokens: 9000 };
    const e = exhausted({ maxTokens: 8000 }, c)!;
    const b = raise({ maxTokens: 8000, maxSteps: 5 }, e);
    assert.equal(b.maxTokens, 17000);
    assert.equal(b.maxSteps, 5);
    assert.equal(exhausted(b, c), undefined);
  });

  it('a raised budget leaves at least the original limit of headroom past what one big turn spent', () => {
    const c = { ...emptyCounters(), steps: 2, tokens: 50_000, costUsd: 9.5, activeMs: 12.3 * 60_000, toolFailures: { run_command: 3 } };
    const cost = raise({ maxCostUsd: 1 }, exhausted({ maxCostUsd: 1 }, c)!);
    assert.ok((cost.maxCostUsd ?? 0) >= 10.5, `a $1 budget after a $9.50 turn was raised to $${cost.maxCostUsd}: the next turn asks again at once`);
    assert.ok((raise({ maxTokens: 8000 }, exhausted({ maxTokens: 8000 }, c)!).maxTokens ?? 0) >= 58_000);
    assert.ok((raise({ maxMinutes: 5 }, exhausted({ maxMinutes: 5 }, c)!).maxMinutes ?? 0) >= 17.3);
    assert.equal(raise({ maxSteps: 2 }, exhausted({ maxSteps: 2 }, c)!).maxSteps, 4, 'doubled, when the limit was just reached');
    assert.equal(raise({ maxCostUsd: 10 }, exhausted({ maxCostUsd: 10 }, { ...c, costUsd: 10.25 })!).maxCostUsd, 20.25);
  });
});

describe('loop detection', () => {
  it('treats inputs with reordered keys as the same call', () => {
    assert.equal(callKey('read_file', { path: 'a', lines: [1, 2] }), callKey('read_file', { lines: [1, 2], path: 'a' }));
    assert.notEqual(callKey('read_file', { path: 'a' }), callKey('read_file', { path: 'b' }));
  });

  it('finds the same call repeated, even when it "progresses"', () => {
    assert.equal(detectLoop([rec('a'), rec('b'), rec('b')]), undefined);
    assert.deepEqual(detectLoop([rec('a'), rec('b', true), rec('b', true), rec('b', true)]), { kind: 'repeat', calls: ['b'], times: 3 });
  });

  it('finds a cycle without progress, and not one with progress', () => {
    const cycle = ['x', 'y', 'z', 'x', 'y', 'z', 'x', 'y', 'z'].map((k) => rec(k));
    assert.deepEqual(detectLoop(cycle), { kind: 'cycle', calls: ['x', 'y', 'z'], times: 3 });
    const progressing = cycle.map((c, i) => (i === 4 ? { ...c, progressed: true } : c));
    assert.equal(detectLoop(progressing), undefined);
    assert.equal(detectLoop(['a', 'b', 'a', 'b', 'a', 'c'].map((k) => rec(k))), undefined);
  });

  it('finds a flip-flop: an edit and its reverse, or two commands, that change the workspace every time round', () => {
    const edit = callKey('edit_file', { path: 'a.ts', old_text: 'x', new_text: 'y' });
    const undo = callKey('edit_file', { path: 'a.ts', old_text: 'y', new_text: 'x' });
    const flipFlop = [edit, undo, edit, undo, edit, undo].map((k) => rec(k, true));
    assert.deepEqual(detectLoop(flipFlop), { kind: 'cycle', calls: [edit, undo], times: 3 });
    const build = callKey('run_command', { command: 'npm run build' });
    const clean = callKey('run_command', { command: 'npm run clean' });
    const read = callKey('read_file', { path: 'out/a.js' });
    const commands = [build, read, clean, build, read, clean, build, read, clean].map((k) => rec(k, k !== read));
    assert.deepEqual(detectLoop(commands), { kind: 'cycle', calls: [build, read, clean], times: 3 });
  });
});
