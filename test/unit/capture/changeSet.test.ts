import assert from 'node:assert/strict';
import { buildChanges, looksBinary, type Comparison, type Side } from '../../../src/core/capture/changeSet';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { captureCommand, captureScratch, sha, text } from './captureHarness';
import { fromCapture } from '../../../src/core/runner/stepEffects';
import { describeEvent } from '../../../src/core/runner/timeline';

const side = (content: string, binary = false): Side => ({ hash: sha(content), size: content.length, binary, bytes: Buffer.from(content) });
const cmp = (p: string, before?: string, after?: string): Comparison => ({
  path: p,
  before: before === undefined ? undefined : side(before),
  after: after === undefined ? undefined : side(after),
});
const kinds = (cs: Comparison[]) => buildChanges(cs, 1024).map((c) => `${c.path} ${c.kind}${c.from !== undefined ? ` ${c.from}` : ''}`);

describe('capture change sets', () => {
  it('drops unchanged paths and sorts by path', () => {
    assert.deepEqual(kinds([cmp('b', 'x', 'y'), cmp('a', undefined, 'n'), cmp('c', 'same', 'same'), cmp('d', 'gone')]), [
      'a created',
      'b modified',
      'd deleted',
    ]);
  });

  it('pairs a deletion and a creation of the same content into a rename, same file name first', () => {
    const cs = [cmp('old/util.ts', 'U'), cmp('new/other.ts', undefined, 'U'), cmp('new/util.ts', undefined, 'U')];
    assert.deepEqual(kinds(cs), ['new/other.ts created', 'new/util.ts renamed old/util.ts']);
    const renamed = buildChanges(cs, 1024).find((c) => c.kind === 'renamed');
    assert.equal(Buffer.from(renamed?.beforeBytes ?? []).toString(), 'U');
    assert.deepEqual(renamed?.before, renamed?.after);
  });

  it('never pairs empty files, and pairs each file once', () => {
    assert.deepEqual(kinds([cmp('a', ''), cmp('b', undefined, '')]), ['a deleted', 'b created']);
    assert.deepEqual(kinds([cmp('a', 'X'), cmp('b', 'X'), cmp('c', undefined, 'X')]), ['b deleted', 'c renamed a']);
  });

  it('marks binary and oversized sides and leaves their bytes out, except a binary old side within the limit (a rewind restores it)', () => {
    const big = 'x'.repeat(2000);
    const [c] = buildChanges([{ path: 'f', before: side('text'), after: side(big) }], 1024);
    assert.equal(c?.tooLarge, true);
    assert.equal(c?.afterBytes, undefined);
    assert.equal(Buffer.from(c?.beforeBytes ?? []).toString(), 'text');
    const [b] = buildChanges([{ path: 'g', before: undefined, after: side('a\0b', true) }], 1024);
    assert.equal(b?.binary, true);
    assert.equal(b?.afterBytes, undefined);
    assert.deepEqual(b?.after, { hash: sha('a\0b'), size: 3 });
    const [d] = buildChanges([{ path: 'h', before: side('x\0y', true), after: undefined }], 1024);
    assert.equal(d?.binary, true);
    assert.equal(Buffer.from(d?.beforeBytes ?? []).toString(), 'x\0y');
    const [o] = buildChanges([{ path: 'i', before: side(`\0${big}`, true), after: undefined }], 1024);
    assert.deepEqual([o?.binary, o?.tooLarge, o?.beforeBytes], [true, true, undefined]);
  });

  it('looks for a NUL byte in the first 8,000 bytes, as git does', () => {
    assert.equal(looksBinary(Buffer.from('plain text')), false);
    assert.equal(looksBinary(Buffer.from([1, 0, 2])), true);
    assert.equal(looksBinary(Buffer.concat([Buffer.alloc(8000, 65), Buffer.from([0])])), false);
  });
});

describe('MemoryContentStore', () => {
  it('drops the least recently used contents beyond its budget', async () => {
    const store = new MemoryContentStore(10);
    await store.put([{ hash: 'a', bytes: Buffer.from('aaaa') }, { hash: 'b', bytes: Buffer.from('bbbb') }]);
    assert.ok(await store.get('a'));
    await store.put([{ hash: 'c', bytes: Buffer.from('cccc') }]);
    assert.equal(await store.get('b'), undefined);
    assert.equal(text(await store.get('a')), 'aaaa');
    assert.equal(store.size, 8);
    await store.put([{ hash: 'huge', bytes: Buffer.alloc(11) }]);
    assert.equal(await store.get('huge'), undefined);
  });

  it('drops the contents git holds (spare) before any other, however recently used', async () => {
    const store = new MemoryContentStore(12);
    await store.put([{ hash: 'old', bytes: Buffer.from('oooo') }]);
    await store.put([{ hash: 's1', bytes: Buffer.from('1111'), spare: true }, { hash: 's2', bytes: Buffer.from('2222'), spare: true }]);
    assert.ok(await store.get('s1'), 'read: the most recently used of all');
    await store.put([{ hash: 'new', bytes: Buffer.from('nnnn') }]);
    assert.equal(await store.get('s2'), undefined, 'the older spare went first');
    await store.put([{ hash: 'newer', bytes: Buffer.from('wwww') }]);
    assert.equal(await store.get('s1'), undefined, 'then the other spare, though read last');
    assert.deepEqual([text(await store.get('old')), text(await store.get('new')), text(await store.get('newer'))], ['oooo', 'nnnn', 'wwww']);
    assert.equal(store.size, 12);
  });

  it('contents kept without the flag are no longer spare; kept ones stay kept when flagged again', async () => {
    const store = new MemoryContentStore(8);
    await store.put([{ hash: 'a', bytes: Buffer.from('aaaa'), spare: true }, { hash: 'k', bytes: Buffer.from('kkkk') }]);
    await store.put([{ hash: 'a', bytes: Buffer.from('aaaa') }, { hash: 'k', bytes: Buffer.from('kkkk'), spare: true }]);
    await store.put([{ hash: 's', bytes: Buffer.from('ssss'), spare: true }]);
    assert.equal(await store.get('s'), undefined, 'the only spare left is the one dropped');
    assert.equal(text(await store.get('a')), 'aaaa');
    assert.equal(text(await store.get('k')), 'kkkk');
    assert.equal(store.size, 8);
  });
});

describe('a file whose earlier contents the capture no longer had (its copies are bounded)', function () {
  this.timeout(30_000);
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it('is marked as such in the step (not as binary or too large), and the timeline says why it is kept by hash only', async () => {
    const root = await scratch.workspace({ 'a.txt': `${'a'.repeat(99)}\n`, 'b.txt': `${'b'.repeat(99)}\n` });
    // Room for one of the two: the other's baseline copy is dropped.
    const capture = scratch.capture(root, { contentStore: new MemoryContentStore(150), gitContents: false });
    await capture.start();
    const set = await captureCommand(capture, root, 'echo more >> a.txt && echo more >> b.txt');
    const { effects } = fromCapture(set);
    const unkept = effects.filter((e) => e.unkept).map((e) => e.path);
    assert.equal(unkept.length, 1, JSON.stringify(effects));
    assert.ok(effects.every((e) => !e.binary && !e.tooLarge));
    const line = describeEvent({ type: 'tool_result', data: { callId: 'c', name: 'run_command', key: 'k', isError: false, content: 'ok', progressed: true, sideEffects: effects } });
    assert.match(line, new RegExp(`M ${unkept[0]} \\(its earlier contents were not at hand: kept by hash and size only, 100 -> 105 bytes\\)`));
  });
});
