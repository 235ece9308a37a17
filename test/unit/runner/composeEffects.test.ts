import assert from 'node:assert/strict';
import { composeEffects } from '../../../src/core/runner/composeEffects';
import type { SideEffect } from '../../../src/core/runner/runEvents';

const fx = (kind: SideEffect['kind'], path: string, beforeHash: string | null, afterHash: string | null, more: Partial<SideEffect> = {}): SideEffect => ({ path, kind, beforeHash, afterHash, modes: true, ...more });
const brief = (list: SideEffect[]) => list.map((e) => `${e.kind} ${e.from ? `${e.from}->` : ''}${e.path} ${e.beforeHash}>${e.afterHash}`);

/** A command cut off by a crash, then run again: one step, each file once, from before the first run to after the second. */
describe('composeEffects: two runs of a command as one step', () => {
  it('a file both runs changed goes from before the first to after the second; one brought back is left out', () => {
    const first = [fx('modified', 'a', 'a0', 'a1'), fx('created', 'tmp', null, 't1'), fx('modified', 'same', 's0', 's1')];
    const then = [fx('modified', 'a', 'a1', 'a2'), fx('deleted', 'tmp', 't1', null), fx('modified', 'same', 's1', 's0'), fx('created', 'new', null, 'n')];
    assert.deepEqual(brief(composeEffects(first, then)), ['modified a a0>a2', 'created new null>n']);
  });

  it('a file the first run deleted and the second made again is modified; the old side keeps its mode and the new its execute bit', () => {
    const first = [fx('deleted', 'run.sh', 'r0', null, { beforeMode: 0o644, unkept: true, beforeSize: 3 })];
    const then = [fx('created', 'run.sh', null, 'r1', { afterExec: true })];
    const [c] = composeEffects(first, then);
    assert.deepEqual(brief([c as SideEffect]), ['modified run.sh r0>r1']);
    assert.equal(c?.unkept, true);
    assert.equal(c?.beforeMode, 0o644);
    assert.equal(c?.afterExec, true);
  });

  it('a move stays a move when the other run touched neither end; otherwise its ends are a deletion and a creation', () => {
    const first = [fx('renamed', 'b2', 'b', 'b', { from: 'b1' }), fx('renamed', 'c2', 'c', 'c', { from: 'c1' })];
    const then = [fx('modified', 'c2', 'c', 'c9')];
    assert.deepEqual(brief(composeEffects(first, then)), ['renamed b1->b2 b>b', 'deleted c1 c>null', 'created c2 null>c9']);
  });

  it('nothing from either run: the other as it is', () => {
    const one = [fx('created', 'x', null, 'x1')];
    assert.deepEqual(composeEffects([], one), one);
    assert.deepEqual(composeEffects(one, []), one);
  });
});
