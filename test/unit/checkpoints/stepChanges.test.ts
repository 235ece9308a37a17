import assert from 'node:assert/strict';
import { FileHistory, type FileTouch } from '../../../src/core/checkpoints/fileHistory';
import { changeOf, stepChanges, stepChoices } from '../../../src/core/checkpoints/stepChanges';
import type { BlobHash } from '../../../src/core/store/types';

const h = (s: string) => s as BlobHash;
const touch = (seq: number, step: number, callId: string, path: string, before: string | null, after: string | null, kind: FileTouch['kind'] = 'tool'): FileTouch => ({ path, step, seq, callId, kind, beforeHash: before === null ? null : h(before), afterHash: after === null ? null : h(after), outcome: 'applied' });

/**
 * A step (one model turn) whose two calls edit the same file: the diff of the second call's row in
 * the sidebar showed the first call's change, and the palette listed the file twice.
 */
describe('the file changes of a step, for its diff', () => {
  const history = new FileHistory(
    [
      touch(3, 1, 'c1', 'a.ts', 'v0', 'v1'),
      touch(5, 1, 'c2', 'a.ts', 'v1', 'v2'),
      touch(6, 1, 'c2', 'b.ts', null, 'b1'),
      touch(9, 2, 'c3', 'a.ts', 'v2', 'v3', 'command'),
      { ...touch(11, 3, 'c4', 'c.ts', 'x0', 'x1'), outcome: 'not_applied' },
      touch(12, 3, 'rw', 'a.ts', 'v3', 'v0', 'rewind'),
    ],
    3,
  );
  const steps = stepChanges(history);

  it('lists the steps that changed files, newest first, each path once', () => {
    assert.deepEqual(steps.map((s) => s.step), [2, 1]);
    const one = steps.find((s) => s.step === 1);
    assert.deepEqual(one?.files.map((f) => f.path), ['a.ts', 'b.ts']);
    assert.equal(one?.calls.length, 3);
  });

  it('offers every checkpoint to rewind or fork to, newest first: steps that changed no file too, and the start', () => {
    assert.deepEqual(stepChoices(history).map((s) => [s.step, s.files.map((f) => f.path)]), [[3, []], [2, ['a.ts']], [1, ['a.ts', 'b.ts']], [0, []]]);
  });

  it("a call's row shows that call's own change", () => {
    const one = steps.find((s) => s.step === 1);
    assert.ok(one);
    const second = changeOf(one, 'a.ts', 'c2');
    assert.deepEqual([second?.beforeHash, second?.afterHash], ['v1', 'v2']);
    const first = changeOf(one, 'a.ts', 'c1');
    assert.deepEqual([first?.beforeHash, first?.afterHash], ['v0', 'v1']);
  });

  it('without a call, the step shows what it did to the file as a whole', () => {
    const one = steps.find((s) => s.step === 1);
    assert.ok(one);
    const whole = changeOf(one, 'a.ts');
    assert.deepEqual([whole?.beforeHash, whole?.afterHash], ['v0', 'v2']);
    assert.equal(changeOf(one, 'nope.ts'), undefined);
  });
});
