import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { type CommandSession, commandSession, keptSessions } from './helpers/commandSession';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

const rewindTo = async (s: CommandSession, step: number) => applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, step));
const outcome = (r: { written: string[]; notRestorable: string[] }) => ({ written: r.written, notRestorable: r.notRestorable });

describe('binary files a command deleted or overwrote: a rewind restores them', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('a small binary file a command deletes comes back byte-exact; one over the size limit stays hash-only and is reported', async () => {
    const big = Buffer.concat([Buffer.from([0]), Buffer.alloc(4096, 7)]);
    const prepare = async (w: string) => {
      await writeFile(join(w, 'logo.png'), PNG);
      await writeFile(join(w, 'big.bin'), big);
    };
    const s = await commandSession(['rm logo.png big.bin'], { prepare, capture: { maxFileBytes: 2048 }, keep });
    const effects = (await s.h.events(s.id)).flatMap((e) => (e.type === 'tool_result' ? ((e.data as ToolResultData).sideEffects ?? []) : []));
    assert.deepEqual(effects.map((e) => [e.path, e.binary, e.tooLarge ?? false]), [['big.bin', true, true], ['logo.png', true, false]]);
    const diffs = await stepDiffs(s.h.store, s.id);
    assert.match(diffs.find((d) => d.path === 'logo.png')?.diff ?? '', /^Binary file logo\.png differs \(16 -> 0 bytes\)\n$/);
    assert.match(diffs.find((d) => d.path === 'big.bin')?.diff ?? '', /\(binary, over the size limit: kept by hash and size only, 4097 -> none bytes\); no diff\n$/);

    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.path, f.restorable]), [['big.bin', false], ['logo.png', true]]);
    assert.deepEqual(outcome(await applyRewind(s.h.store, s.ws, plan)), { written: ['logo.png'], notRestorable: ['big.bin'] });
    assert.deepEqual(await readFile(join(s.h.workspace, 'logo.png')), PNG);
  });

  it('a small binary file a command overwrites comes back byte-exact, and the undo gives the new bytes back', async () => {
    const v1 = Buffer.from([1, 0, 2, 0, 3]);
    const s = await commandSession(["printf 'A\\000B' > data.bin"], { prepare: (w) => writeFile(join(w, 'data.bin'), v1), keep });
    const r = await rewindTo(s, 0);
    assert.deepEqual(outcome(r), { written: ['data.bin'], notRestorable: [] });
    assert.deepEqual(await readFile(join(s.h.workspace, 'data.bin')), v1);
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.deepEqual(await readFile(join(s.h.workspace, 'data.bin')), Buffer.from('A\0B'));
  });

  it('a binary file one command made and the next deleted comes back from a rewind to between them', async () => {
    const s = await commandSession(["printf 'P\\000Q\\001' > out.bin", 'rm out.bin'], { keep });
    assert.deepEqual(outcome(await rewindTo(s, 1)), { written: ['out.bin'], notRestorable: [] });
    assert.deepEqual(await readFile(join(s.h.workspace, 'out.bin')), Buffer.from('P\0Q\x01'));
  });

  it('a binary file committed to git that a command deletes comes back from git when the capture had dropped its copy', async () => {
    const prepare = async (w: string) => {
      await writeFile(join(w, 'logo.png'), PNG);
      const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...a], { cwd: w });
      git('init', '-q');
      git('add', 'logo.png');
      git('commit', '-qm', 'logo');
    };
    // A budget smaller than the file: the cache keeps nothing, only git has the old bytes.
    const s = await commandSession(['rm logo.png'], { prepare, capture: { contentStore: new MemoryContentStore(8) }, keep });
    assert.deepEqual(outcome(await rewindTo(s, 0)), { written: ['logo.png'], notRestorable: [] });
    assert.deepEqual(await readFile(join(s.h.workspace, 'logo.png')), PNG);
  });

  it('a fork keeps the old bytes of a binary file a command deleted: its rewind restores them after the source is deleted', async () => {
    const s = await commandSession(['rm logo.png'], { prepare: (w) => writeFile(join(w, 'logo.png'), PNG), keep });
    const fork = await forkSession(s.h.store, s.id, 1, { message: 'go on' });
    await s.h.store.deleteSession(s.id, 'test');
    await s.h.store.vacuum();
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, fork.id, 0));
    assert.deepEqual(outcome(r), { written: ['logo.png'], notRestorable: [] });
    assert.deepEqual(await readFile(join(s.h.workspace, 'logo.png')), PNG);
  });
});
