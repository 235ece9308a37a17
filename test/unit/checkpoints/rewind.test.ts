import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, type RewindData } from '../../../src/core/checkpoints/checkpointEvents';
import { loadFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo, removeCrashLeftovers, sweepCrashLeftovers } from '../../../src/core/checkpoints/rewindPlan';
import type { Harness } from '../runner/runnerHarness';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import { A0, A2, A3, FILES, NEW, NOTES, builtSession, contents, sha, snapshotDir } from './checkpointHarness';

const actions = (plan: { files: { path: string; action: string; conflict: boolean }[] }) => Object.fromEntries(plan.files.map((f) => [f.path, [f.action, f.conflict]]));

describe('rewind and undo (real runner session, real files, real LevelDB)', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the preview writes nothing and says per file what would happen, with a diff', async () => {
    const b = await builtSession();
    h = b.h;
    const before = await snapshotDir(h.workspace);
    const plan = await planRewind(h.store, b.ws, b.id, 2);
    assert.deepEqual(actions(plan), { 'src/new.ts': ['none', false], 'src/a.ts': ['restore', false], 'notes.txt': ['create', false] });
    const a = plan.files.find((f) => f.path === 'src/a.ts');
    assert.deepEqual([a?.fromHash, a?.toHash], [sha(A3), sha(A2)]);
    assert.match(a?.diff ?? '', /-  return 20;\n\+  return 2;/);
    assert.deepEqual(await snapshotDir(h.workspace), before);
    assert.equal(plan.conversation, undefined);
    await assert.rejects(planRewind(h.store, b.ws, b.id, 9), (e: unknown) => CheckpointError.is(e, 'INVALID'));
  });

  it('with an outliner, the preview names the symbols each file change touches (disk now -> target)', async () => {
    const b = await builtSession();
    h = b.h;
    const outliner = await AstOutliner.create();
    try {
      const plan = await planRewind(h.store, b.ws, b.id, 0, { outliner });
      const symbols = Object.fromEntries(plan.files.map((f) => [f.path, f.symbols]));
      assert.deepEqual(symbols['src/a.ts'], ['changed function `alpha`', 'changed function `beta`']);
      assert.deepEqual(symbols['src/new.ts'], ['removed constant `n`'], 'a file the rewind deletes');
      assert.deepEqual(symbols['notes.txt'], [], 'not a language the outliner reads');
      assert.deepEqual((await planRewind(h.store, b.ws, b.id, 0)).files.find((f) => f.path === 'src/a.ts')?.symbols, [], 'none without an outliner');
    } finally {
      outliner.dispose();
    }
  });

  it('rewinds to a middle step and back (undo), byte-exact, never touching a file the session did not touch', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'untracked.log'), 'the user made this during the session\n');
    const before = await snapshotDir(h.workspace);

    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2));
    assert.deepEqual(r.written.sort(), ['notes.txt', 'src/a.ts']);
    assert.deepEqual(r.skipped, []);
    const mid = await snapshotDir(h.workspace);
    assert.deepEqual(contents(mid), { 'README.md': FILES['README.md'], 'notes.txt': NOTES, 'src/a.ts': A2, 'src/new.ts': NEW, 'untracked.log': 'the user made this during the session\n' });
    for (const p of ['README.md', 'untracked.log', 'src/new.ts']) assert.deepEqual(mid.get(p), before.get(p), `${p} untouched (bytes and mtime)`);

    const undo = await planUndo(h.store, b.ws, b.id, r.rewindId);
    assert.deepEqual(actions(undo), { 'src/a.ts': ['restore', false], 'notes.txt': ['delete', false] });
    const u = await undoRewind(h.store, b.ws, undo);
    assert.deepEqual(u.skipped, []);
    const after = await snapshotDir(h.workspace);
    assert.deepEqual(contents(after), contents(before));
    for (const p of ['README.md', 'untracked.log', 'src/new.ts']) assert.deepEqual(after.get(p), before.get(p), `${p} untouched (bytes and mtime)`);
    await assert.rejects(planUndo(h.store, b.ws, b.id, r.rewindId), (e: unknown) => CheckpointError.is(e, 'INVALID'));
  });

  it('lists the rewinds of a session newest first, with the files each wrote and whether it was undone', async () => {
    const b = await builtSession();
    h = b.h;
    assert.deepEqual(await listRewinds(h.store, b.id), []);
    const first = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2), { now: () => 1000 });
    await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, first.rewindId));
    const second = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 0), { now: () => 2000 });
    const list = await listRewinds(h.store, b.id);
    assert.deepEqual(
      list.map((r) => [r.rewindId, r.targetStep, r.mode, [...r.files].sort(), r.at, r.undone]),
      [
        [second.rewindId, 0, 'files', [...second.written].sort(), 2000, false],
        [first.rewindId, 2, 'files', ['notes.txt', 'src/a.ts'], 1000, true],
      ],
    );
  });

  it('rewinding to step 0 deletes what the session created and re-creates what it deleted', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 0);
    assert.deepEqual(actions(plan), { 'src/new.ts': ['delete', false], 'src/a.ts': ['restore', false], 'notes.txt': ['create', false] });
    await applyRewind(h.store, b.ws, plan);
    assert.deepEqual(contents(await snapshotDir(h.workspace)), contents(new Map(Object.entries(FILES).map(([p, t]) => [p, { bytes: Buffer.from(t) }]))));
  });

  it('records a rewind event with from/to hashes in the session journal; its writes count as the session\'s own', async () => {
    const b = await builtSession();
    h = b.h;
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 1));
    const events = await h.events(b.id);
    const last = events[events.length - 2] as unknown as { type: string; data: RewindData };
    assert.equal(last.type, 'rewind');
    // Then, once the renames are done, its settlement: every file was written.
    assert.deepEqual([events[events.length - 1]?.type, events[events.length - 1]?.data], ['rewind_settled', { rewindId: r.rewindId, notWritten: [] }]);
    assert.equal(last.data.rewindId, r.rewindId);
    assert.deepEqual(
      last.data.files.map((f) => [f.path, f.fromHash, f.toHash]),
      [
        ['src/a.ts', sha(A3), sha(A0)],
        ['notes.txt', null, sha(NOTES)],
      ],
    );
    // The rewind's writes are the session's own from now on: a second rewind sees no conflict.
    const fh = await loadFileHistory(h.store, b.id);
    assert.equal(fh.lastState().get('src/a.ts')?.hash, sha(A0));
    assert.equal(fh.lastState(false).get('src/a.ts')?.hash, sha(A3), 'what the model last saw');
    const again = await planRewind(h.store, b.ws, b.id, 3);
    assert.ok(again.files.every((f) => !f.conflict));
  });

  it("a user's edit outside the session is a conflict: skipped unless listed, and an overwrite can be undone back to the user's text", async () => {
    const b = await builtSession();
    h = b.h;
    const mine = A3.replace('return 20;', 'return 99; // mine');
    await writeFile(join(h.workspace, 'src/a.ts'), mine);
    const plan = await planRewind(h.store, b.ws, b.id, 1);
    assert.deepEqual(actions(plan), { 'src/new.ts': ['none', false], 'src/a.ts': ['restore', true], 'notes.txt': ['create', false] });

    const r1 = await applyRewind(h.store, b.ws, plan);
    assert.deepEqual(r1.skipped, ['src/a.ts']);
    assert.deepEqual(r1.written, ['notes.txt']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), mine, 'not overwritten');

    const plan2 = await planRewind(h.store, b.ws, b.id, 1);
    assert.deepEqual(actions(plan2), { 'src/new.ts': ['none', false], 'src/a.ts': ['restore', true], 'notes.txt': ['none', false] });
    const r2 = await applyRewind(h.store, b.ws, plan2, { overwriteConflicts: ['src/a.ts'] });
    assert.deepEqual(r2.written, ['src/a.ts']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A0);

    const u = await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, r2.rewindId));
    assert.deepEqual(u.written, ['src/a.ts']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), mine, "the user's text is back");
  });

  it('undo follows the same conflict rule: an edit made after the rewind is kept unless listed', async () => {
    const b = await builtSession();
    h = b.h;
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2));
    await writeFile(join(h.workspace, 'src/a.ts'), 'after the rewind\n');
    const undo = await planUndo(h.store, b.ws, b.id, r.rewindId);
    assert.deepEqual(actions(undo), { 'src/a.ts': ['restore', true], 'notes.txt': ['delete', false] });
    const u = await undoRewind(h.store, b.ws, undo);
    assert.deepEqual([u.written, u.skipped], [['notes.txt'], ['src/a.ts']]);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'after the rewind\n');
    // The file the undo left alone is still the rewind's to give back: a later undo does, from the same safety checkpoint, and nothing else.
    assert.deepEqual((await listRewinds(h.store, b.id)).map((x) => [x.rewindId, x.left, x.undone]), [[r.rewindId, ['src/a.ts'], false]]);
    const again = await planUndo(h.store, b.ws, b.id, r.rewindId);
    assert.deepEqual(actions(again), { 'src/a.ts': ['restore', true] });
    const u2 = await undoRewind(h.store, b.ws, again, { overwriteConflicts: ['src/a.ts'] });
    assert.deepEqual([u2.written, u2.skipped], [['src/a.ts'], []]);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A3, 'what the file held before the rewind');
    assert.equal(await readFile(join(h.workspace, 'notes.txt'), 'utf8').catch(() => 'absent'), 'absent', 'the first undo\'s file stays as it left it');
    assert.deepEqual((await listRewinds(h.store, b.id)).map((x) => [x.left, x.undone]), [[[], true]]);
    await assert.rejects(planUndo(h.store, b.ws, b.id, r.rewindId), /already undone/);
  });

  it('a later undo cut short by a crash: its temporary files are swept, and its files stay the rewind\'s to give back', async () => {
    const b = await builtSession();
    h = b.h;
    const store = h.store;
    const r = await applyRewind(store, b.ws, await planRewind(store, b.ws, b.id, 2));
    await writeFile(join(h.workspace, 'src/a.ts'), 'after the rewind\n');
    // Undo 1 gives back notes.txt and leaves src/a.ts (edited since); undo 2, told to overwrite it, dies after its record.
    await undoRewind(store, b.ws, await planUndo(store, b.ws, b.id, r.rewindId));
    const crashed = Object.create(b.ws, {
      stageFiles: { value: async (...args: Parameters<typeof b.ws.stageFiles>) => Object.assign(await b.ws.stageFiles(...args), { apply: async () => Promise.reject(new Error('killed')) }) },
    }) as typeof b.ws;
    const second = await planUndo(store, b.ws, b.id, r.rewindId);
    assert.equal(second.part, 2);
    await assert.rejects(undoRewind(store, crashed, second, { overwriteConflicts: ['src/a.ts'] }), /killed/);
    const temps = async () => (await readdir(h?.workspace as string, { recursive: true })).filter((p) => /(^|\/)\.savepoint-/.test(p));
    assert.equal((await temps()).length, 1);
    assert.equal(await sweepCrashLeftovers(store, b.ws, (await store.listSessions()).sessions), 1);
    assert.deepEqual(await temps(), []);
    // Nothing was written: src/a.ts is still the rewind's to give back, and a third undo does.
    assert.deepEqual((await listRewinds(store, b.id)).map((x) => [x.left, x.undone]), [[['src/a.ts'], false]]);
    const third = await planUndo(store, b.ws, b.id, r.rewindId);
    assert.equal(third.part, 3);
    assert.deepEqual((await undoRewind(store, b.ws, third, { overwriteConflicts: ['src/a.ts'] })).written, ['src/a.ts']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A3);
    assert.deepEqual((await listRewinds(store, b.id)).map((x) => x.undone), [true]);
  });

  it('a file the user already put back counts as given back: the rewind does not stay open for it', async () => {
    const b = await builtSession();
    h = b.h;
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2));
    await writeFile(join(h.workspace, 'src/a.ts'), A3);
    const plan = await planUndo(h.store, b.ws, b.id, r.rewindId);
    assert.deepEqual(actions(plan), { 'src/a.ts': ['none', false], 'notes.txt': ['delete', false] });
    await undoRewind(h.store, b.ws, plan);
    assert.deepEqual((await listRewinds(h.store, b.id)).map((x) => [x.left, x.undone]), [[[], true]]);
  });

  it('an undo that left every file alone uses nothing up: the user can still get their text back', async () => {
    const b = await builtSession();
    h = b.h;
    const mine = A3.replace('return 20;', 'return 99; // USER WORK');
    await writeFile(join(h.workspace, 'src/a.ts'), mine);
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 1), { overwriteConflicts: ['src/a.ts'] });
    assert.ok(r.written.includes('src/a.ts'));
    // A formatter touches the file; an undo without an overwrite keeps it, writes nothing for it.
    const formatted = `${await readFile(join(h.workspace, 'src/a.ts'), 'utf8')}\n`;
    await writeFile(join(h.workspace, 'src/a.ts'), formatted);
    const u1 = await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, r.rewindId));
    assert.ok(u1.skipped.includes('src/a.ts'));
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), formatted);
    const u2 = await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, r.rewindId), { overwriteConflicts: ['src/a.ts'] });
    assert.deepEqual(u2.written, ['src/a.ts']);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), mine, "the user's text is back");
  });

  it('a file saved while the rewind commits its record is not overwritten, and neither the rewind nor its undo touches it', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 2);
    const store = h.store;
    const commit = store.commit.bind(store);
    const saved = 'saved by the editor while the rewind was being recorded\n';
    const file = join(h.workspace, 'src/a.ts');
    // The save lands after the rewind has read the disk and staged the new contents, before the renames.
    store.commit = async (c) => {
      if (c.events[0]?.type === 'rewind') await writeFile(file, saved);
      return commit(c);
    };
    const r = await applyRewind(store, b.ws, plan);
    store.commit = commit;
    assert.deepEqual([r.written, r.skipped], [['notes.txt'], ['src/a.ts']]);
    assert.equal(await readFile(file, 'utf8'), saved);
    // The record lists the file (it was committed first); its settlement says it was not written, so
    // the list of rewinds, the timeline and the undo leave it out.
    assert.deepEqual((await listRewinds(store, b.id))[0]?.files, ['notes.txt']);
    const view = new TimelineViewLoader(store, b.id);
    await view.catchUp();
    const notes = [...view.state.entries.values()].flatMap((x) => (x.kind === 'note' ? [x.text] : []));
    assert.ok(notes.includes('Rewound 1 file to step 2, 1 kept'), JSON.stringify(notes));
    const undo = await planUndo(store, b.ws, b.id, r.rewindId);
    assert.deepEqual(actions(undo), { 'notes.txt': ['delete', false] });
    const u = await undoRewind(store, b.ws, undo);
    assert.deepEqual([u.written, u.skipped], [['notes.txt'], []]);
    assert.equal(await readFile(file, 'utf8'), saved);
    const left = (await readdir(join(h.workspace, 'src'))).filter((n) => n.startsWith('.savepoint-'));
    assert.deepEqual(left, [], 'no temporary file left behind');
  });

  it('after a crash between the rewind record and its renames, the rewind done again writes the files it did not, without calling them conflicts', async () => {
    const b = await builtSession();
    h = b.h;
    const before = contents(await snapshotDir(h.workspace));
    const plan = await planRewind(h.store, b.ws, b.id, 1);
    // The record is committed, then the process dies before any rename: the staged changes are never applied.
    const crashed = Object.create(b.ws, {
      stageFiles: {
        value: async (...args: Parameters<typeof b.ws.stageFiles>) => Object.assign(await b.ws.stageFiles(...args), { apply: async () => Promise.reject(new Error('killed')) }),
      },
    }) as typeof b.ws;
    await assert.rejects(applyRewind(h.store, crashed, plan), /killed/);
    // The killed process leaves its synced temporary files beside the files.
    const root = h.workspace;
    const temps = async () => Object.keys(contents(await snapshotDir(root))).filter((p) => /(^|\/)\.savepoint-[0-9a-f]+-[0-9a-f]+\.tmp$/.test(p));
    assert.equal((await temps()).length, 2);
    const files = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([p]) => !/(^|\/)\.savepoint-/.test(p)));
    assert.deepEqual(files(contents(await snapshotDir(h.workspace))), before, 'nothing renamed');
    const again = await planRewind(h.store, b.ws, b.id, 1);
    assert.deepEqual(actions(again), actions(plan), 'the same actions, and no conflict');
    assert.equal(again.unsettled.length, 1, 'the record with no settlement');
    const r = await applyRewind(h.store, b.ws, again);
    assert.deepEqual(r.skipped, []);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), A0);
    assert.deepEqual(await temps(), [], 'the next rewind removed what the crashed one left');
  });

  it('after a crash before the rewind record, the rewind done again removes the temporary files the first attempt left', async () => {
    const b = await builtSession();
    h = b.h;
    const root = h.workspace;
    // (Listed by name only: the removal runs while this polls.)
    const temps = async () => (await readdir(root, { recursive: true })).filter((p) => /(^|\/)\.savepoint-/.test(p));
    const plan = await planRewind(h.store, b.ws, b.id, 1);
    // The process dies after staging, before its record: nothing discards the staged files.
    const dying = Object.create(b.ws, {
      stageFiles: { value: async (...args: Parameters<typeof b.ws.stageFiles>) => Object.assign(await b.ws.stageFiles(...args), { discard: async () => undefined }) },
    }) as typeof b.ws;
    const store = h.store;
    const commit = store.commit.bind(store);
    store.commit = async (c) => (c.events[0]?.type === 'rewind' ? Promise.reject(new Error('killed')) : commit(c));
    await assert.rejects(applyRewind(store, dying, plan), /killed/);
    store.commit = commit;
    assert.equal((await temps()).length, 2);
    const again = await planRewind(store, b.ws, b.id, 1);
    assert.deepEqual(again.unsettled, [], 'no record names them');
    await applyRewind(store, b.ws, again);
    // The same operation (same id, same tag) removes them once it is done, in the background.
    for (let i = 0; i < 100 && (await temps()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await temps(), []);
    assert.equal(await readFile(join(root, 'src/a.ts'), 'utf8'), A0);
  });

  it('after a restart, the temporary files of rewinds a crash cut short are removed, a finished session\'s and a conversation rewind\'s too', async () => {
    const b = await builtSession();
    h = b.h;
    const store = h.store;
    const root = h.workspace;
    const temps = async () => (await readdir(root, { recursive: true })).filter((p) => /(^|\/)\.savepoint-/.test(p));
    // The record is committed, then the process dies before any rename.
    const crashed = Object.create(b.ws, {
      stageFiles: { value: async (...args: Parameters<typeof b.ws.stageFiles>) => Object.assign(await b.ws.stageFiles(...args), { apply: async () => Promise.reject(new Error('killed')) }) },
    }) as typeof b.ws;
    await assert.rejects(applyRewind(store, crashed, await planRewind(store, b.ws, b.id, 1, { mode: 'both' })), /killed/);
    assert.equal((await temps()).length, 2);
    const row = await store.getSession(b.id);
    assert.equal(row?.status, 'completed', 'a finished session: nothing takes it up again');
    assert.equal(row?.unsettled?.length, 1, 'its row says renames were under way');
    assert.equal(await sweepCrashLeftovers(store, b.ws, (await store.listSessions()).sessions), 2);
    assert.deepEqual(await temps(), []);
    const swept = await store.getSession(b.id);
    assert.equal(swept?.unsettled, undefined, 'the row no longer names them: the next start-up does not look again');
    assert.equal(swept?.updatedAt, row?.updatedAt, 'and the session keeps its place in the list');
    // The next rewind of the session settles, and its row no longer says anything is under way.
    await applyRewind(store, b.ws, await planRewind(store, b.ws, b.id, 2));
    assert.equal((await store.getSession(b.id))?.unsettled, undefined);

    // Crashed again; the next rewind cannot remove those files (held open elsewhere): the row keeps naming them.
    await assert.rejects(applyRewind(store, crashed, await planRewind(store, b.ws, b.id, 1)), /killed/);
    const crashedTag = (await store.getSession(b.id))?.unsettled?.[0];
    const held = Object.create(b.ws, { removeStaged: { value: async (tag: string, paths: string[]) => (tag === crashedTag ? { removed: 0, left: 1 } : b.ws.removeStaged(tag, paths)) } }) as typeof b.ws;
    const heldPlan = await planRewind(store, b.ws, b.id, 1);
    assert.ok(heldPlan.files.some((f) => f.action !== 'none'), 'this rewind writes files, and settles');
    await applyRewind(store, held, heldPlan);
    assert.deepEqual((await store.getSession(b.id))?.unsettled, [crashedTag]);
    assert.ok((await temps()).length > 0);
    // Before the session is deleted, nothing else would name them.
    assert.ok((await removeCrashLeftovers(store, b.ws, b.id)) > 0);
    assert.deepEqual(await temps(), []);
    assert.equal((await store.getSession(b.id))?.unsettled, undefined);
  });

  it('a rename that fails after the record of a "both" rewind keeps the fork the record names', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 2, { mode: 'both' });
    const failing = Object.create(b.ws, {
      stageFiles: { value: async (...args: Parameters<typeof b.ws.stageFiles>) => Object.assign(await b.ws.stageFiles(...args), { apply: async () => Promise.reject(new Error('EPERM: locked')) }) },
    }) as typeof b.ws;
    await assert.rejects(applyRewind(h.store, failing, plan), /locked/);
    const record = ((await h.events(b.id)) as unknown as { type: string; data: unknown }[]).find((e) => e.type === 'rewind')?.data as RewindData | undefined;
    assert.ok(record?.forkId, 'recorded, with its fork');
    assert.ok(await h.store.getSession(record.forkId), 'the fork the record names still exists');
  });

  it('records written before settlements (no tag) are not taken for crashed ones', async () => {
    const b = await builtSession();
    h = b.h;
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 1));
    // A record as older versions wrote it: no tag, no settlement.
    const journal = (await h.events(b.id)) as unknown as { type: string; data: unknown }[];
    const old = { ...(journal.find((e) => e.type === 'rewind')?.data as RewindData), rewindId: `${r.rewindId}:old` };
    delete old.tag;
    await h.store.commit({ sessionId: b.id, expectedHeadSeq: journal.length, events: [{ step: 3, type: 'rewind', data: old }] });
    assert.deepEqual((await planRewind(h.store, b.ws, b.id, 2)).unsettled, []);
  });

  it("a user's version a rewind overwrote with their OK is a conflict again when it comes back", async () => {
    const b = await builtSession();
    h = b.h;
    const file = join(h.workspace, 'src/a.ts');
    const mine = '// my own rewrite\nexport const mine = 1;\n';
    await writeFile(file, mine);
    await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 2), { overwriteConflicts: ['src/a.ts'] });
    // The user brings their version back (an editor's undo and save, or git).
    await writeFile(file, mine);
    const again = await planRewind(h.store, b.ws, b.id, 0);
    assert.deepEqual(actions(again)['src/a.ts'], ['restore', true]);
    const r = await applyRewind(h.store, b.ws, again);
    assert.ok(r.skipped.includes('src/a.ts'));
    assert.equal(await readFile(file, 'utf8'), mine);
  });

  it('two rewinds of one session at once: one is applied, the other is refused as stale with nothing written', async () => {
    const b = await builtSession();
    h = b.h;
    const [p0, p2] = [await planRewind(h.store, b.ws, b.id, 0), await planRewind(h.store, b.ws, b.id, 2)];
    const [r0, r2] = await Promise.allSettled([applyRewind(h.store, b.ws, p0), applyRewind(h.store, b.ws, p2)]);
    const done = [r0, r2].filter((r) => r.status === 'fulfilled');
    const refused = [r0, r2].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(done.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(CheckpointError.is(refused[0], 'STALE'), String(refused[0]));
    assert.equal((await listRewinds(h.store, b.id)).length, 1);
    const left = (await readdir(join(h.workspace, 'src'))).filter((n) => n.startsWith('.savepoint-'));
    assert.deepEqual(left, []);
  });

  it('refuses a stale preview and a running session, and skips a file changed after the preview', async () => {
    const b = await builtSession();
    h = b.h;
    const plan = await planRewind(h.store, b.ws, b.id, 2);
    await writeFile(join(h.workspace, 'src/a.ts'), 'changed after the preview\n');
    const r = await applyRewind(h.store, b.ws, plan);
    assert.deepEqual([r.written, r.skipped], [['notes.txt'], ['src/a.ts']]);
    assert.equal(await readFile(join(h.workspace, 'src/a.ts'), 'utf8'), 'changed after the preview\n');
    await assert.rejects(applyRewind(h.store, b.ws, plan), (e: unknown) => CheckpointError.is(e, 'STALE'));

    await h.store.updateSession(b.id, { status: 'running' });
    await assert.rejects(applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 0)), (e: unknown) => CheckpointError.is(e, 'BUSY'));
  });
});
