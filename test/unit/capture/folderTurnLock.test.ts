import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandTurns } from '../../../src/core/capture/commandTurns';
import { FolderTurnLock } from '../../../src/core/node/folderTurnLock';

/**
 * The folder's queue with its turn across processes (FolderTurnLock, a real LevelDB lock on disk):
 * a second queue on the folder stands for another process (the lock is LevelDB's, which refuses a
 * second opener in the same process as in another).
 */
describe('FolderTurnLock: the turn across processes (real lock files)', function () {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'savepoint-turn-lock-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("a queue's next command takes the turn after its own last one without waiting on itself (no wait is told)", async () => {
    const turns = new CommandTurns(new FolderTurnLock(join(root, 'ws'), join(root, 'locks')));
    const first = await turns.take(undefined, 'a/1');
    const told: Array<string | undefined> = [];
    const second = turns.take(undefined, 'b/1', (behind) => told.push(behind));
    first();
    (await second)();
    const third = await turns.take(undefined, 'c/1', (behind) => told.push(`third ${behind}`));
    third();
    assert.deepEqual(told, ['a/1'], 'told once, behind its own process\'s command; never behind "another process"');
  });

  it("another process's queue waits (told, behind no known command), then gets the turn once it is let go", async () => {
    const ws = join(root, 'ws');
    const mine = new CommandTurns(new FolderTurnLock(ws, join(root, 'locks')));
    const theirs = new CommandTurns(new FolderTurnLock(ws, join(root, 'locks')));
    const held = await mine.take(undefined, 'a/1');
    const told: Array<string | undefined> = [];
    let got = false;
    const waiting = theirs.take(undefined, 'b/1', (behind) => told.push(behind)).then((r) => ((got = true), r));
    // Its wait is told before it gets anything.
    for (let i = 0; i < 200 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(told, [undefined]);
    assert.equal(got, false, 'it got the turn while the other held it');
    held();
    (await waiting)();
    assert.equal(got, true);
  });

  it('a wait stopped (paused, cancelled) throws its reason, and the queue behind it goes on', async () => {
    const ws = join(root, 'ws');
    const other = new CommandTurns(new FolderTurnLock(ws, join(root, 'locks')));
    const turns = new CommandTurns(new FolderTurnLock(ws, join(root, 'locks')));
    const held = await other.take(undefined, 'a/1');
    const stop = new AbortController();
    let told!: () => void;
    const isWaiting = new Promise<void>((r) => (told = r));
    const stopped = turns.take(stop.signal, 'b/1', () => told());
    await isWaiting;
    const next = turns.take(undefined, 'c/1');
    stop.abort(new Error('paused'));
    await assert.rejects(stopped, /paused/);
    held();
    (await next)();
  });

  it('the lock lives in a folder of its own, readable by its user only, named by the real path of the folder', async () => {
    const locks = join(root, 'locks');
    await mkdir(join(root, 'ws'));
    await symlink(join(root, 'ws'), join(root, 'link'));
    const release = await new FolderTurnLock(join(root, 'ws'), locks).acquire(undefined, () => assert.fail('nothing holds it'));
    const again = new FolderTurnLock(join(root, 'link'), locks);
    let waited = false;
    const stop = new AbortController();
    const second = again.acquire(stop.signal, () => {
      waited = true;
      stop.abort(new Error('seen'));
    });
    await assert.rejects(second, /seen/);
    assert.equal(waited, true, 'the same folder through a link took a lock of its own');
    await release();
    if (process.platform !== 'win32') assert.equal((await stat(locks)).mode & 0o077, 0, 'others can reach the lock folder');
  });
});
