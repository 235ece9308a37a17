import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkHash } from '../../../src/core/capture/changeSet';
import type { FileChange } from '../../../src/core/ports/changeCapture';
import { captureCommand, captureScratch, only, sh, summary } from './captureHarness';

/** A change in words: kind, and each side as `link:TEXT` or `file:HASH-PREFIX`. */
const sides = (c: FileChange): string[] => [c.kind, ...[c.before, c.after].map((v) => (v === null ? 'none' : v.link !== undefined ? `link:${v.link}` : `file:${v.hash.slice(0, 8)}`))];

/**
 * The symlinks a command creates, removes or retargets are changes of their own: recorded by their
 * text (never followed, neither to read what they lead to nor into a linked folder), in a watched
 * capture and in a sweep alike, and never when the rules exclude them.
 */
describe('NodeChangeCapture: symlinks a command makes, removes or retargets (POSIX)', () => {
  const tmp = captureScratch();
  let outside: string | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    await tmp.cleanup();
    if (outside) await rm(outside, { recursive: true, force: true });
    outside = undefined;
  });

  for (const watch of [true, false]) {
    const mode = watch ? 'watched' : 'swept';
    const options = watch ? {} : { watch: false as const };

    it(`records a link created, retargeted and removed by its text, with no bytes read through it (${mode})`, async () => {
      outside = await mkdtemp(path.join(tmpdir(), 'savepoint-outside-'));
      await writeFile(path.join(outside, 'secret.txt'), 'not yours\n');
      const root = await tmp.workspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const capture = tmp.capture(root, options);
      await capture.start();
      const made = await captureCommand(capture, root, `ln -s a.txt l1 && ln -s ${outside}/secret.txt out && ln -s ${outside} outdir && ln -s missing dangling`);
      assert.deepEqual(summary(made), ['dangling created', 'l1 created', 'out created', 'outdir created']);
      assert.deepEqual(sides(only(made, 'l1')), ['created', 'none', 'link:a.txt']);
      assert.deepEqual(sides(only(made, 'out')), ['created', 'none', `link:${outside}/secret.txt`]);
      assert.deepEqual(sides(only(made, 'dangling')), ['created', 'none', 'link:missing']);
      const out = only(made, 'out');
      assert.equal(out.after?.hash, linkHash(`${outside}/secret.txt`));
      assert.equal(out.afterBytes, undefined, 'what the link leads to is never read');
      assert.equal(out.after?.exec, undefined);
      assert.equal(out.after?.mode, undefined);

      // Written through a link to a folder outside: nothing in the workspace changed.
      const through = await captureCommand(capture, root, 'echo x > outdir/new.txt && ln -sfn b.txt l1');
      assert.deepEqual(summary(through), ['l1 modified']);
      assert.deepEqual(sides(only(through, 'l1')), ['modified', 'link:a.txt', 'link:b.txt']);

      const removed = await captureCommand(capture, root, 'rm l1 out');
      assert.deepEqual(summary(removed), ['l1 deleted', 'out deleted']);
      assert.deepEqual(sides(only(removed, 'l1')), ['deleted', 'link:b.txt', 'none']);
      assert.equal(only(removed, 'l1').beforeBytes, undefined);
    });

    it(`records a file replaced by a link and a link replaced by a file (${mode})`, async () => {
      const root = await tmp.workspace({ 'a.txt': 'a.txt\n', 'target.txt': 't\n' });
      const capture = tmp.capture(root, options);
      await capture.start();
      const toLink = await captureCommand(capture, root, 'rm a.txt && ln -s target.txt a.txt');
      assert.deepEqual(sides(only(toLink, 'a.txt')), ['modified', 'file:' + only(toLink, 'a.txt').before?.hash.slice(0, 8), 'link:target.txt']);
      assert.equal(Buffer.from(only(toLink, 'a.txt').beforeBytes ?? []).toString(), 'a.txt\n', 'the file the link replaced is kept for a rewind');
      const toFile = await captureCommand(capture, root, 'rm a.txt && echo again > a.txt');
      const c = only(toFile, 'a.txt');
      assert.deepEqual([c.kind, c.before?.link, c.after?.link, Buffer.from(c.afterBytes ?? []).toString()], ['modified', 'target.txt', undefined, 'again\n']);
    });

    it(`captures a workspace opened through a symlinked path (a linked home or projects folder), still never entering links inside it (${mode})`, async () => {
      const real = await tmp.workspace({ '.gitignore': 'gen/\n', 'a.txt': 'a\n', 'gen/g.js': 'g\n', 'd/e.txt': 'e\n' });
      outside = await mkdtemp(path.join(tmpdir(), 'savepoint-outside-'));
      const root = path.join(outside, 'project');
      await sh(outside, `ln -s '${real}' project && mkdir elsewhere && echo s > elsewhere/s.txt`);
      const capture = tmp.capture(root, options);
      assert.equal((await capture.start()).files, 3);
      const set = await captureCommand(capture, root, `echo 2 >> a.txt && echo 2 >> gen/g.js && echo n > d/n.txt && mv d d2 && ln -s '${outside}/elsewhere' lnk`);
      assert.deepEqual(summary(set), ['a.txt modified', 'd2/e.txt renamed d/e.txt', 'd2/n.txt created', 'lnk created']);
      assert.equal(Buffer.from(only(set, 'a.txt').beforeBytes ?? []).toString(), 'a\n');
      assert.deepEqual(summary(await captureCommand(capture, root, 'echo 3 >> d2/n.txt && echo t >> lnk/s.txt')), ['d2/n.txt modified']);
    });
  }

  it('a link that existed before the baseline is tracked from it; a moved link is a deletion and a creation', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a\n' });
    await sh(root, 'ln -s a.txt pre');
    const capture = tmp.capture(root);
    await capture.start();
    const set = await captureCommand(capture, root, 'mv pre moved');
    assert.deepEqual(summary(set), ['moved created', 'pre deleted']);
    assert.equal(only(set, 'pre').before?.link, 'a.txt');
  });

  it('never reports a link the .gitignore files or the ignore globs exclude', async () => {
    const root = await tmp.workspace({ '.gitignore': '*.lnk\n', 'a.txt': 'a\n' });
    const capture = tmp.capture(root, { ignore: ['private/**'] });
    await capture.start();
    const set = await captureCommand(capture, root, 'ln -s a.txt x.lnk && mkdir private && ln -s ../a.txt private/p && ln -s a.txt shown');
    assert.deepEqual(summary(set), ['shown created']);
  });
});
