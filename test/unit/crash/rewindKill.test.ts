import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listRewinds, planRewind, planUndo, undoable } from '../../../src/core/checkpoints/rewindPlan';
import { A0, A3, NEW, NOTES, contents, snapshotDir } from '../checkpoints/checkpointHarness';
import { builtKilled as session, child, tempsUnder, withStore } from './crashChild';

const files = async (ws: string) => Object.fromEntries(Object.entries(contents(await snapshotDir(ws))).filter(([p]) => !p.includes('.savepoint-')));
/** After the session: step 3 left these. */
const AFTER = { 'README.md': '# demo\n', 'src/a.ts': A3, 'src/new.ts': NEW };
/** At step 0: before it. */
const AT0 = { 'README.md': '# demo\n', 'notes.txt': NOTES, 'src/a.ts': A0 };

describe('a rewind and its undo SIGKILLed at each point (real process, real LevelDB)', function () {
  this.timeout(120_000);
  const points = ['staged', 'recorded', 'rename:1', 'rename:2', 'rename:3', 'settle'];

  for (const kill of points) {
    it(`rewind killed at ${kill}: the retried rewind lands on step 0, its undo brings everything back, no temporary file stays`, async () => {
      const k = await session();
      try {
        const first = await child(k, 'rewind', kill);
        assert.equal(first.signal, 'SIGKILL', first.stderr);
        const again = await child(k, 'rewind', 'none');
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(await files(k.ws), AT0);
        assert.deepEqual(await tempsUnder(k.ws), []);
        // The crashed rewind and its retry are two records: each is undone (the newest first).
        let undos = 0;
        while ((await withStore(k, (s) => listRewinds(s, k.id))).some(undoable)) {
          const undo = await child(k, 'undo', 'none');
          assert.equal(undo.code, 0, undo.stderr);
          assert.ok(++undos <= 2, 'at most one undo per record');
        }
        assert.deepEqual(await files(k.ws), AFTER, 'the undos of the retried rewind');
        assert.deepEqual(await tempsUnder(k.ws), []);
      } finally {
        await k.done();
      }
    });

    if (kill === 'staged') continue;
    it(`rewind killed at ${kill}: its undo (no retry) brings the disk back, asks about nothing, leaves no temporary file`, async () => {
      const k = await session();
      try {
        assert.equal((await child(k, 'rewind', kill)).signal, 'SIGKILL');
        const plan = await withStore(k, async (s, ws) => planUndo(s, ws, k.id, (await listRewinds(s, k.id))[0]?.rewindId ?? '?'));
        assert.deepEqual(plan.files.filter((f) => f.conflict).map((f) => f.path), [], 'no conflict');
        const undo = await child(k, 'undo', 'none');
        assert.equal(undo.code, 0, undo.stderr);
        assert.deepEqual(await files(k.ws), AFTER);
        assert.deepEqual(await tempsUnder(k.ws), []);
      } finally {
        await k.done();
      }
    });

    it(`rewind killed at ${kill}, then the user edits src/a.ts: neither the retry nor the undo overwrites it without asking`, async () => {
      const k = await session();
      try {
        assert.equal((await child(k, 'rewind', kill)).signal, 'SIGKILL');
        await writeFile(join(k.ws, 'src/a.ts'), 'mine\n');
        const [retry, undo] = await withStore(k, async (s, ws) => [await planRewind(s, ws, k.id, 0), await planUndo(s, ws, k.id, (await listRewinds(s, k.id))[0]?.rewindId ?? '?').catch(() => undefined)] as const);
        assert.equal(retry.files.find((f) => f.path === 'src/a.ts')?.conflict, true, 'the retry asks');
        if (undo) assert.equal(undo.files.find((f) => f.path === 'src/a.ts')?.conflict, true, 'the undo asks');
        assert.equal((await child(k, 'rewind', 'none')).code, 0);
        assert.equal(await readFile(join(k.ws, 'src/a.ts'), 'utf8'), 'mine\n');
      } finally {
        await k.done();
      }
    });
  }

  for (const kill of points) {
    it(`undo killed at ${kill}: the retried undo brings everything back, the rewind is then done, no temporary file stays`, async () => {
      const k = await session();
      try {
        assert.equal((await child(k, 'rewind', 'none')).code, 0);
        const first = await child(k, 'undo', kill);
        assert.equal(first.signal, 'SIGKILL', first.stderr);
        const again = await child(k, 'undo', 'none');
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(await files(k.ws), AFTER);
        assert.deepEqual(await tempsUnder(k.ws), []);
        const listed = await withStore(k, (s) => listRewinds(s, k.id));
        assert.equal(listed[0]?.undone, true, 'the rewind is undone');
      } finally {
        await k.done();
      }
    });
  }
});
