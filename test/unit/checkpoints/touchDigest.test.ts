import assert from 'node:assert/strict';
import { MemoryLevel } from 'memory-level';
import { readJournal } from '../../../src/core/checkpoints/checkpointEvents';
import { buildFileHistory, lastStepOf, loadFileHistory, readTouchEvents } from '../../../src/core/checkpoints/fileHistory';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { listRewinds, planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { TOUCH_DIGEST } from '../../../src/core/checkpoints/touchDigest';
import { LevelCheckpointStore } from '../../../src/core/store/levelCheckpointStore';
import type { Db } from '../../../src/core/store/storeContext';
import type { NewEvent, SessionId } from '../../../src/core/store/types';
import type { Harness } from '../runner/runnerHarness';
import { builtSession, sha } from './checkpointHarness';

async function memoryDb(): Promise<Db> {
  const db = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Db;
  await db.open();
  return db;
}

const big = 'x'.repeat(3000);

/** Every kind of event the file history reads, with the fields it must keep and the bulk it must not. */
const richJournal = (): NewEvent[][] => [
  [{ step: 0, type: 'session_started', data: { task: 'rich', system: big } }],
  [
    { step: 1, type: 'model_turn', data: { turn: 1, message: sha('m1'), calls: [{ id: 'e1', name: 'edit_file' }] } },
    { step: 1, type: 'tool_planned', data: { callId: 'e1', name: 'edit_file', input: { text: big }, mutations: [{ path: 'a.ts', beforeHash: sha('a0'), afterHash: sha('a1') }] } },
    { step: 1, type: 'tool_started', data: { callId: 'e1', mutations: [{ path: 'a.ts', beforeHash: sha('a0'), afterHash: sha('a1') }] } },
  ],
  [
    { step: 1, type: 'tool_result', data: { callId: 'e1', name: 'edit_file', key: 'k', isError: false, content: big, progressed: true, symbols: ['changed alpha'] } },
    { step: 1, type: 'message_added', data: { role: 'user', message: sha('u1'), reason: 'tool_results' } },
  ],
  [
    // An edit that failed, one skipped at resume, and a command with side effects (a rename among them).
    { step: 2, type: 'tool_started', data: { callId: 'e2', mutations: [{ path: 'b.ts', beforeHash: null, afterHash: sha('b1') }] } },
    { step: 2, type: 'tool_result', data: { callId: 'e2', name: 'write_file', key: 'k2', isError: true, content: 'denied', progressed: false } },
    { step: 2, type: 'tool_started', data: { callId: 'e3', mutations: [{ path: 'c.ts', beforeHash: sha('c0'), afterHash: sha('c1') }] } },
    { step: 2, type: 'tool_result', data: { callId: 'e3', name: 'edit_file', key: 'k3', isError: false, content: 'skipped', progressed: false, recovered: 'skipped' } },
    { step: 2, type: 'tool_started', data: { callId: 'r1' } },
    {
      step: 2,
      type: 'tool_result',
      data: {
        callId: 'r1',
        name: 'run_command',
        key: 'k4',
        isError: false,
        content: big,
        progressed: true,
        sideEffects: [
          { path: 'gen.txt', kind: 'created', beforeHash: null, afterHash: sha('g') },
          { path: 'img.bin', kind: 'modified', beforeHash: sha('i0'), afterHash: sha('i1'), binary: true },
          { path: 'new/n.ts', kind: 'renamed', from: 'old/n.ts', beforeHash: sha('n'), afterHash: sha('n') },
        ],
      },
    },
  ],
  [
    // Merged three-way at resume: the file went from the outside version to the merge.
    { step: 3, type: 'tool_started', data: { callId: 'e4', mutations: [{ path: 'a.ts', beforeHash: sha('a1'), afterHash: sha('a2') }] } },
    { step: 3, type: 'tool_result', data: { callId: 'e4', name: 'edit_file', key: 'k5', isError: false, content: 'ok', progressed: true, recovered: 'applied', merged: [{ path: 'a.ts', beforeHash: sha('a1-outside'), afterHash: sha('a2-merged') }] } },
    // A read: what the model was shown, for the drift check (not a touch).
    { step: 3, type: 'tool_result', data: { callId: 'rd1', name: 'read_file', key: 'k6', isError: false, content: big, progressed: false, seen: [{ path: 'docs/x.md', hash: sha('x0') }] } },
  ],
  [
    { step: 3, type: 'rewind', data: { rewindId: 'rw1', targetStep: 1, mode: 'files', files: [{ path: 'a.ts', fromHash: sha('a2-merged'), toHash: sha('a1') }], skipped: [], memoryReverts: ['mv1'], at: 1 } },
  ],
  [{ step: 3, type: 'rewind_undone', data: { rewindId: 'rw1', files: [{ path: 'a.ts', fromHash: sha('a1'), toHash: sha('a2-merged') }], skipped: [], at: 2 } }],
  [
    // In flight at a crash: started, never settled.
    { step: 4, type: 'model_turn', data: { turn: 4, message: sha('m4'), calls: [{ id: 'e5', name: 'edit_file' }] } },
    { step: 4, type: 'tool_started', data: { callId: 'e5', mutations: [{ path: 'c.ts', beforeHash: sha('c0'), afterHash: sha('c2') }] } },
  ],
  [{ step: 5, type: 'status', data: { status: 'interrupted' } }],
];

async function writeJournal(store: LevelCheckpointStore, id: SessionId, commits: NewEvent[][]): Promise<void> {
  let head = (await store.getSession(id))?.headSeq ?? 0;
  for (const events of commits) head = (await store.commit({ sessionId: id, expectedHeadSeq: head, events })).headSeq;
}

/** The history read from the digests and from the whole journal are the same. */
async function assertSameHistory(store: LevelCheckpointStore, id: SessionId): Promise<void> {
  const whole = buildFileHistory(await readJournal(store, id));
  const fromStore = await loadFileHistory(store, id);
  assert.deepEqual(fromStore.touches, whole.touches);
  assert.equal(fromStore.lastStep, whole.lastStep);
  assert.deepEqual(Object.fromEntries(fromStore.lastState()), Object.fromEntries(whole.lastState()));
  assert.deepEqual(Object.fromEntries(fromStore.seen), Object.fromEntries(whole.seen));
}

describe('touch digests: the file history without decoding the conversation', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('give exactly the history the whole journal gives, for every kind of touch, from a fraction of its bytes', async () => {
    const store = await LevelCheckpointStore.create({ db: await memoryDb() });
    const s = await store.createSession({ title: 'rich' });
    await writeJournal(store, s.id, richJournal());
    const digests = await store.readDigests(s.id, TOUCH_DIGEST.version);
    assert.ok(digests, 'the session is digested');
    const journal = await readJournal(store, s.id);
    assert.deepEqual(
      digests.map((d) => d.type),
      ['tool_started', 'tool_result', 'tool_started', 'tool_result', 'tool_started', 'tool_result', 'tool_result', 'tool_started', 'tool_result', 'tool_result', 'rewind', 'rewind_undone', 'tool_started'],
    );
    assert.ok(JSON.stringify(digests).length * 5 < JSON.stringify(journal).length, 'the bulk (texts, inputs) is left out');
    await assertSameHistory(store, s.id);
    const t = await readTouchEvents(store, s.id);
    assert.deepEqual([t.headSeq, t.lastStep], [journal.length, 5]);
    const fh = buildFileHistory(t.events, t.lastStep);
    assert.deepEqual(fh.touchesOf('c.ts').map((x) => x.outcome), ['not_applied', 'in_flight']);
    assert.deepEqual([...fh.seen.values()].map((x) => [x.path, x.hash, x.step]), [['docs/x.md', sha('x0'), 3]]);
    assert.ok(!fh.paths.includes('docs/x.md'), 'a read is not a touch: a rewind never restores it');
    assert.deepEqual(fh.touchesOf('a.ts').map((x) => [x.kind, x.afterHash]), [['tool', sha('a1')], ['tool', sha('a2-merged')], ['rewind', sha('a1')], ['undo', sha('a2-merged')]]);
    await store.close();
  });

  it('a session any event of which was written without digests is read whole, then and later', async () => {
    const db = await memoryDb();
    const plain = await LevelCheckpointStore.create({ db, digest: false });
    const s = await plain.createSession({ title: 'older' });
    const commits = richJournal();
    await writeJournal(plain, s.id, commits.slice(0, 3));
    await plain.close();
    await db.open();
    const store = await LevelCheckpointStore.create({ db });
    assert.equal(await store.readDigests(s.id, TOUCH_DIGEST.version), undefined);
    await writeJournal(store, s.id, commits.slice(3));
    assert.equal(await store.readDigests(s.id, TOUCH_DIGEST.version), undefined, 'still incomplete: the first events have none');
    await assertSameHistory(store, s.id);
    // Another digest version is not mixed in.
    assert.equal(await store.readDigests(s.id, 'touch-0'), undefined);
    await store.close();
  });

  it('a digested session written on by a store without them is read whole from then on', async () => {
    const db = await memoryDb();
    const store = await LevelCheckpointStore.create({ db });
    const s = await store.createSession({ title: 'mixed' });
    const commits = richJournal();
    await writeJournal(store, s.id, commits.slice(0, 4));
    assert.ok(await store.readDigests(s.id, TOUCH_DIGEST.version));
    await store.close();
    await db.open();
    const plain = await LevelCheckpointStore.create({ db, digest: false });
    await writeJournal(plain, s.id, commits.slice(4));
    await plain.close();
    await db.open();
    const again = await LevelCheckpointStore.create({ db });
    assert.equal(await again.readDigests(s.id, TOUCH_DIGEST.version), undefined);
    await assertSameHistory(again, s.id);
    await again.close();
  });

  it('a damaged or missing digest is quarantined or noticed, and the journal decides', async () => {
    const db = await memoryDb();
    const store = await LevelCheckpointStore.create({ db });
    const s = await store.createSession({ title: 'damaged' });
    await writeJournal(store, s.id, richJournal());
    const digestKeys: string[] = [];
    for await (const k of db.keys({ gte: `t!${s.id}!`, lt: `t!${s.id}!\xff` })) digestKeys.push(k);
    assert.equal(digestKeys.length, 13);
    await db.put(digestKeys[3] as string, new Uint8Array([1, 0, 0, 0, 0, 0, 9, 9]));
    assert.equal(await store.readDigests(s.id, TOUCH_DIGEST.version), undefined);
    assert.ok((await store.listQuarantine()).some((q) => q.key === digestKeys[3]));
    await assertSameHistory(store, s.id);
    // The quarantined one is gone now: the count no longer matches.
    assert.equal(await store.readDigests(s.id, TOUCH_DIGEST.version), undefined);
    await assertSameHistory(store, s.id);
    await store.close();
  });

  it('are gathered into pages as they accumulate, also by a store that reopens mid-page, and read back the same', async () => {
    const db = await memoryDb();
    let store = await LevelCheckpointStore.create({ db });
    const s = await store.createSession({ title: 'long' });
    // Each step: an edit (2 digests) and a read (1 digest: its result), with a model turn between.
    const stepOf = (n: number): NewEvent[][] => [
      [
        { step: n, type: 'model_turn', data: { turn: n, text: big } },
        { step: n, type: 'tool_started', data: { callId: `e${n}`, mutations: [{ path: `f${n % 7}.ts`, beforeHash: sha(`v${n - 1}`), afterHash: sha(`v${n}`) }] } },
      ],
      [{ step: n, type: 'tool_result', data: { callId: `e${n}`, name: 'edit_file', key: 'k', isError: false, content: big, progressed: true } }],
      [
        { step: n, type: 'tool_started', data: { callId: `r${n}` } },
        { step: n, type: 'tool_result', data: { callId: `r${n}`, name: 'read_file', key: 'k', isError: false, content: big, progressed: false } },
      ],
    ];
    for (let n = 1; n <= 50; n++) await writeJournal(store, s.id, stepOf(n));
    // Reopened: the unpaged tail is read back from the store the first time a page is due.
    await store.close();
    await db.open();
    store = await LevelCheckpointStore.create({ db });
    for (let n = 51; n <= 100; n++) await writeJournal(store, s.id, stepOf(n));
    const summary = await store.getSession(s.id);
    assert.equal(summary?.digests?.count, 300);
    assert.equal(summary?.lastStep, 100);
    const records: string[] = [];
    for await (const k of db.keys({ gte: `t!${s.id}!`, lt: `t!${s.id}!\xff` })) records.push(k);
    assert.equal(records.length, Math.floor(300 / 64) + (summary?.digests?.tail ?? 0));
    assert.ok((summary?.digests?.tail ?? 64) < 64);
    const digests = await store.readDigests(s.id, TOUCH_DIGEST.version);
    assert.deepEqual(digests?.map((d) => d.seq), [...(digests ?? [])].map((d) => d.seq).sort((a, b) => a - b));
    assert.equal(new Set(digests?.map((d) => d.seq)).size, 300);
    await assertSameHistory(store, s.id);
    await store.close();
  });

  it('the step of the last event comes from the session row, or from the journal for a row written before it was kept', async () => {
    const store = await LevelCheckpointStore.create({ db: await memoryDb() });
    const s = await store.createSession({ title: 'steps' });
    await writeJournal(store, s.id, richJournal());
    const row = await store.getSession(s.id);
    assert.equal(row?.lastStep, 5);
    const { lastStep: _kept, ...older } = row as NonNullable<typeof row>;
    assert.equal(await lastStepOf(store, older), 5);
    assert.equal(await lastStepOf(store, { ...older, headSeq: 0 }), 0);
    await store.close();
  });

  it('deleting a session removes its digests', async () => {
    const db = await memoryDb();
    const store = await LevelCheckpointStore.create({ db });
    const s = await store.createSession({ title: 'gone', status: 'completed' });
    await writeJournal(store, s.id, richJournal());
    await store.deleteSession(s.id, 'test');
    const left: string[] = [];
    for await (const k of db.keys({ gte: 't!', lt: 't!\xff' })) left.push(k);
    assert.deepEqual(left, []);
    await store.close();
  });

  it('the real runner, a rewind and its undo: the digests follow, and the plans are what the journal gives', async () => {
    const b = await builtSession();
    h = b.h;
    await assertSameHistory(h.store as unknown as LevelCheckpointStore, b.id);
    const r = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 1));
    await assertSameHistory(h.store as unknown as LevelCheckpointStore, b.id);
    const undo = await planUndo(h.store, b.ws, b.id, r.rewindId);
    assert.deepEqual(undo.files.map((f) => [f.path, f.action]), [['src/a.ts', 'restore'], ['notes.txt', 'delete']]);
    await undoRewind(h.store, b.ws, undo);
    await assertSameHistory(h.store as unknown as LevelCheckpointStore, b.id);
    assert.ok(await h.store.readDigests(b.id, TOUCH_DIGEST.version));
    await assert.rejects(planUndo(h.store, b.ws, b.id, r.rewindId), /already undone/);
  });

  it('the list of rewinds comes from the digests, with only the rewind records themselves read whole (mode, time)', async () => {
    const b = await builtSession();
    h = b.h;
    const first = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 1), { now: () => 1000 });
    await undoRewind(h.store, b.ws, await planUndo(h.store, b.ws, b.id, first.rewindId));
    const second = await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 0), { now: () => 2000 });
    // Every event the list reads whole, counted.
    let whole = 0;
    const store = h.store;
    const counting = Object.create(store, {
      readEvents: {
        value: async function* (...args: Parameters<typeof store.readEvents>) {
          for await (const e of store.readEvents(...args)) {
            whole++;
            yield e;
          }
        },
      },
    }) as typeof store;
    const listed = await listRewinds(counting, b.id);
    assert.deepEqual(
      listed.map((r) => [r.rewindId, r.mode, r.at, r.targetStep, r.undone]),
      [
        [second.rewindId, 'files', 2000, 0, false],
        [first.rewindId, 'files', 1000, 1, true],
      ],
    );
    const journal = await readJournal(store, b.id);
    assert.equal(whole, 2, `read whole: ${whole} events of the journal's ${journal.length}`);
  });
});
