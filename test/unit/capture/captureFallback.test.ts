import assert from 'node:assert/strict';
import { CaptureError } from '../../../src/core/ports/changeCapture';
import { nodeWatch, type WatchFunction } from '../../../src/core/node/captureWatcher';
import { captureCommand, captureScratch, only, sh, summary, text } from './captureHarness';

const script = 'echo 2 >> a.txt && rm b.txt && mkdir -p n/m && echo n > n/m/new.ts && mv c.txt d.txt && sed -i s/1/one/ e.txt';
const expected = ['a.txt modified', 'b.txt deleted', 'd.txt renamed c.txt', 'e.txt modified', 'n/m/new.ts created'];
const files = { 'a.txt': '1\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'e.txt': '1\n', '.gitignore': 'out/\n', 'node_modules/p/i.js': 'i\n' };

describe('NodeChangeCapture: without a watcher', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('sweeps when fs.watch is unavailable, with the same result', async () => {
    const root = await tmp.workspace(files);
    const unavailable: WatchFunction = () => {
      throw Object.assign(new Error('inotify watch limit reached'), { code: 'ENOSPC' });
    };
    const capture = tmp.capture(root, { watch: unavailable });
    const set = await captureCommand(capture, root, `${script} && echo o > out.txt && mkdir out && echo x > out/x`);
    assert.equal(capture.isWatching, false);
    assert.equal(set.method, 'sweep');
    assert.deepEqual(summary(set), [...expected, 'out.txt created'].sort());
    assert.equal(text(only(set, 'e.txt').beforeBytes), '1\n');
    assert.deepEqual(summary(await captureCommand(capture, root, 'touch a.txt && echo 3 >> a.txt')), ['a.txt modified']);
  });

  it('sweeps when the watcher fails later, and when it is turned off', async () => {
    let made = 0;
    const failSecond: WatchFunction = (abs, listener) => {
      if (++made > 1) throw Object.assign(new Error('too many'), { code: 'ENOSPC' });
      return nodeWatch(abs, listener);
    };
    const root = await tmp.workspace({ ...files, 'sub/x.ts': 'x\n' });
    const late = tmp.capture(root, { watch: failSecond });
    assert.deepEqual(summary(await captureCommand(late, root, `${script} && echo y >> sub/x.ts`)), [...expected, 'sub/x.ts modified'].sort());
    const root2 = await tmp.workspace(files);
    const off = tmp.capture(root2, { watch: false });
    assert.deepEqual(summary(await captureCommand(off, root2, script)), expected);
  });

  it('sweeps when a capture brings more events than it records', async () => {
    const root = await tmp.workspace(files);
    const capture = tmp.capture(root, { maxEvents: 5 });
    const set = await captureCommand(capture, root, `${script} && for i in $(seq 1 20); do echo $i > t$i.tmp; rm t$i.tmp; done`);
    assert.equal(set.method, 'sweep');
    assert.deepEqual(summary(set), expected);
    const quiet = await captureCommand(capture, root, 'echo 4 >> a.txt');
    assert.equal(quiet.method, 'watch');
    assert.deepEqual(summary(quiet), ['a.txt modified']);
  });
});

describe('NodeChangeCapture: protocol', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('refuses a second begin, a stale mark, and any use after dispose', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a' });
    const capture = tmp.capture(root);
    const mark = await capture.begin();
    await assert.rejects(capture.begin(), (e) => CaptureError.is(e, 'ALREADY_OPEN'));
    await capture.end(mark);
    await assert.rejects(capture.end(mark), (e) => CaptureError.is(e, 'NOT_OPEN'));
    await capture.dispose();
    await capture.dispose();
    await assert.rejects(capture.begin(), (e) => CaptureError.is(e, 'DISPOSED'));
    await sh(root, 'echo b > a.txt');
  });

  it('stops a baseline still in progress when disposed', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`d${i % 10}/f${i}.ts`] = `export const v = ${i};\n`;
    const root = await tmp.workspace(files);
    const capture = tmp.capture(root);
    const started = capture.start();
    await capture.dispose();
    await started;
    await assert.rejects(capture.start(), (e) => CaptureError.is(e, 'DISPOSED'));
  });
});

