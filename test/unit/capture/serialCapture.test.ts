import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import { CaptureError } from '../../../src/core/ports/changeCapture';
import { captureScratch, sh, summary } from './captureHarness';

describe('SerialCapture: one command at a time across sessions, each with its own changes (real watcher, real files)', function () {
  const scratch = captureScratch();
  afterEach(() => scratch.cleanup());

  it('a second session\'s capture waits for the first to end; neither reports the other\'s command', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);

    const first = await shared.begin();
    let secondBegan = false;
    const second = shared.begin().then((m) => {
      secondBegan = true;
      return m;
    });
    await sh(root, "printf 'A\\n' > a.txt");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(secondBegan, false, 'the second command waits while the first one runs');
    assert.deepEqual(summary(await shared.end(first)), ['a.txt modified']);

    const mark = await second;
    assert.ok(secondBegan);
    await sh(root, "printf 'B\\n' > b.txt");
    assert.deepEqual(summary(await shared.end(mark)), ['b.txt modified']);
  });

  it('files another session\'s tools write during a command are not the command\'s, unless they change again', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'gone.txt': 'x\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');

    // A hold released before the capture begins is not the capture's.
    shared.holdWrites([{ path: 'b.txt', hash: sha('ignored\n') }])();
    const mark = await shared.begin();
    await sh(root, "printf 'A\\n' > a.txt");
    // Session B's edit_file and delete_file while A's command runs (as the runner does: hold, write, release).
    const held = shared.holdWrites([
      { path: 'b.txt', hash: sha('B\n') },
      { path: 'gone.txt', hash: null },
    ]);
    await writeFile(join(root, 'b.txt'), 'B\n');
    await rm(join(root, 'gone.txt'));
    held();
    // B writes c.txt, then A's command changes it again: the command's change.
    shared.holdWrites([{ path: 'c.txt', hash: sha('C\n') }])();
    await writeFile(join(root, 'c.txt'), 'C\n');
    await sh(root, "printf 'C2\\n' > c.txt");
    assert.deepEqual(summary(await shared.end(mark)), ['a.txt modified', 'c.txt modified']);

    const next = await shared.begin();
    await sh(root, "printf 'B2\\n' > b.txt");
    assert.deepEqual(summary(await shared.end(next)), ['b.txt modified'], 'notes end with their capture');
  });

  it('a tool write while the capture is still beginning is noted too', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    let letBegin!: () => void;
    const held = new Promise<void>((r) => (letBegin = r));
    let settled!: () => void;
    const innerBegan = new Promise<void>((r) => (settled = r));
    // The inner capture has settled its index, but begin() has not returned yet.
    const slow = {
      begin: async () => {
        const m = await inner.begin();
        settled();
        await held;
        return m;
      },
      end: inner.end.bind(inner),
      dispose: inner.dispose.bind(inner),
    };
    const shared = new SerialCapture(slow);
    const beginning = shared.begin();
    await innerBegan;
    // Another session's edit lands while the command's capture settles.
    const release = shared.holdWrites([{ path: 'b.txt', hash: createHash('sha256').update('B\n').digest('hex') }]);
    await writeFile(join(root, 'b.txt'), 'B\n');
    release();
    letBegin();
    const mark = await beginning;
    await sh(root, "printf 'A\\n' > a.txt");
    assert.deepEqual(summary(await shared.end(mark)), ['a.txt modified']);
  });

  it('a write held before a capture begins and landing after is not the capture\'s; once released, the next capture takes such a change', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    // Another session's rewind holds b.txt; the command begins before its rename lands.
    const release = shared.holdWrites([{ path: 'b.txt', hash: sha('B\n') }]);
    const mark = await shared.begin();
    await writeFile(join(root, 'b.txt'), 'B\n');
    release();
    await sh(root, "printf 'A\\n' > a.txt");
    assert.deepEqual(summary(await shared.end(mark)), ['a.txt modified']);
    // Released: the same contents written by a later command are that command's.
    await writeFile(join(root, 'b.txt'), 'b\n');
    const next = await shared.begin();
    await sh(root, "printf 'B\\n' > b.txt");
    assert.deepEqual(summary(await shared.end(next)), ['b.txt modified']);
    await shared.dispose();
  });

  it('a save in the editor while a command runs is the user\'s: the end waits for the editor to tell its hash, and leaves it out unless the command changes the file again', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n', 'typed.txt': 't\n', 'both.txt': 'b\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const mark = await shared.begin();
    await sh(root, "printf 'A\\n' > a.txt");
    // The user saves typed.txt (told before the write, its hash after); both.txt is saved, then the command writes it.
    const typed = shared.userSaving('typed.txt');
    await writeFile(join(root, 'typed.txt'), 'typed by the user\n');
    shared.userSaving('both.txt')(sha('saved\n'));
    await writeFile(join(root, 'both.txt'), 'saved\n');
    await sh(root, "printf 'formatted\\n' > both.txt");
    const ended = shared.end(mark);
    // The command has ended before the editor says the save is done: the end waits for it.
    await new Promise((r) => setTimeout(r, 50));
    typed(sha('typed by the user\n'));
    assert.deepEqual(summary(await ended), ['a.txt modified', 'both.txt modified']);
    // A later command that changes the file is that command's.
    const next = await shared.begin();
    await sh(root, "printf 'T\\n' > typed.txt");
    assert.deepEqual(summary(await shared.end(next)), ['typed.txt modified']);
    await shared.dispose();
  });

  it('a capture that fails to begin lets the next one through, and a disposed capture says so', async () => {
    const root = await scratch.workspace({ 'a.txt': 'a\n' });
    const inner = scratch.capture(root, { contentStore: new MemoryContentStore() });
    await inner.start();
    const shared = new SerialCapture(inner);
    // Opened behind the queue's back: the queued begin() fails (ALREADY_OPEN) and must not block the next.
    const stray = await inner.begin();
    await assert.rejects(shared.begin(), (e: unknown) => CaptureError.is(e, 'ALREADY_OPEN'));
    await inner.end(stray);
    const mark = await shared.begin();
    await sh(root, "printf 'x\\n' > a.txt");
    assert.deepEqual(summary(await shared.end(mark)), ['a.txt modified']);
    await shared.dispose();
    await assert.rejects(shared.begin(), (e: unknown) => CaptureError.is(e, 'DISPOSED'));
  });
});
