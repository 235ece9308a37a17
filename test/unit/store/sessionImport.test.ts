import assert from 'node:assert/strict';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { hashBlob } from '../../../src/core/store/blobFormat';
import { StoreError } from '../../../src/core/store/errors';
import { exportSession } from '../../../src/core/store/sessionExport';
import { ImportError, type ImportResult, importSession, importedWords, parseExport } from '../../../src/core/store/sessionImport';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { SessionId } from '../../../src/core/store/types';
import { collect } from '../builders';
import { tempDirs } from './helpers/tmp';

/** A finished session of two steps whose events name a message and a file version, and its own id (an episode record). */
async function made(store: CheckpointStore, id?: string) {
  const s = await store.createSession({ title: 'fix the parser', ...(id ? { id: id as SessionId } : {}) });
  const message = new TextEncoder().encode(JSON.stringify({ role: 'user', content: 'fix the parser' }));
  const file = new TextEncoder().encode('export const x = 1;\n');
  await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: [{ step: 0, type: 'message_added', data: { message: hashBlob(message) } }], blobs: [{ content: message }] });
  await store.commit({
    sessionId: s.id,
    expectedHeadSeq: 1,
    events: [
      { step: 1, type: 'tool_started', data: { mutations: [{ path: 'x.ts', afterHash: hashBlob(file) }] } },
      { step: 1, type: 'episode_remembered', data: { sessionId: s.id, memoryId: 'm1' } },
    ],
    effects: [{ step: 1, actionId: 'w1', phase: 'intent', data: { path: 'x.ts' } }],
    blobs: [{ content: file }],
    summary: { status: 'completed', stepCount: 1 },
  });
  return exportSession(store, s.id);
}

/**
 * The core of `savepoint import` on real LevelDB stores: nothing stays of an import whose one
 * commit failed, and a new id replaces the old one wherever its records hold it.
 */
describe('importSession: all or nothing, and a new id held consistently (real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('import');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('a commit that fails (a full disk) leaves no session behind, only the record of its removal', async () => {
    const from = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail' });
    const doc = await made(from);
    await from.close();
    const store = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail' });
    try {
      store.commit = () => Promise.reject(new StoreError('DISK_FULL', 'the disk is full'));
      await assert.rejects(importSession(store, doc), (e: unknown) => StoreError.is(e, 'DISK_FULL'));
      assert.equal(await store.getSession(doc.session.id), undefined);
      assert.deepEqual((await store.listSessions()).sessions, []);
      assert.deepEqual((await store.listDeletions()).map((d) => d.reason), ['its import failed']);
    } finally {
      await store.close();
    }
  });

  it('an export by an earlier Savepoint (savepoint-session/1, the events only) is refused saying why and what to do', () => {
    assert.throws(
      () => parseExport(JSON.stringify({ format: 'savepoint-session/1', session: {}, events: [] })),
      (e: unknown) => ImportError.is(e, 'INVALID') && /^an export by an earlier Savepoint \(savepoint-session\/1\) holds the events only, without the conversation and the files' versions: it cannot be imported; export the session again with this version$/.test(e.message),
    );
  });

  it('--as-new: the old id is replaced in the events; an id too short to replace safely is refused', async () => {
    const store = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail' });
    try {
      const doc = await made(store);
      const r = await importSession(store, doc, { asNew: true });
      assert.notEqual(r.session.id, doc.session.id);
      const events = await collect(store.readEvents(r.session.id));
      assert.deepEqual(events.find((e) => e.type === 'episode_remembered')?.data, { sessionId: r.session.id, memoryId: 'm1' });
      assert.deepEqual(events.map((e) => [e.seq, e.at]), doc.events.map((e) => [e.seq, e.at]), 'the same numbers and times');
      assert.equal((await store.listEffects(r.session.id))[0]?.intent?.at, doc.effects[0]?.intent?.at);
      const short = await made(store, 'ab1');
      await assert.rejects(importSession(store, short, { asNew: true }), (e: unknown) => ImportError.is(e, 'INVALID') && /too short to be replaced safely/.test(e.message));
      assert.equal((await store.listSessions()).sessions.length, 3, 'the two made and the one imported');
    } finally {
      await store.close();
    }
  });

  it('keeps the time the session was created where it was exported; the time of its last change is the import\'s', async () => {
    const from = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail' });
    const doc = await made(from);
    await from.close();
    // Made a while ago, elsewhere: a day before its last change.
    const created = doc.session.updatedAt - 86_400_000;
    const store = await openCheckpointStore({ dir: await tmp.make(), onLocked: 'fail' });
    try {
      const before = Date.now();
      const r = await importSession(store, { ...doc, session: { ...doc.session, createdAt: created } });
      assert.equal(r.session.createdAt, created);
      assert.equal((await store.getSession(r.session.id))?.createdAt, created, 'as stored');
      const again = await importSession(store, { ...doc, session: { ...doc.session, createdAt: created } }, { asNew: true });
      assert.equal(again.session.createdAt, created, 'under a new id too');
      // Retention counts from the last change: a session just imported is not the first it takes away.
      assert.ok(r.session.updatedAt >= before);
    } finally {
      await store.close();
    }
  });
});

describe('importedWords: what the CLI and the editor say after an import', () => {
  const result = (o: Partial<ImportResult>): ImportResult => ({ session: {} as ImportResult['session'], from: 'S' as SessionId, events: 12, blobs: 3, missing: 0, wasRunning: false, askedAgain: 0, ...o });

  it('counts what came in', () => {
    assert.equal(importedWords(result({})), '12 events, 3 stored contents');
    assert.equal(importedWords(result({ events: 1, blobs: 1 })), '1 event, 1 stored content');
  });

  it('says what the import changed of the session: kept by hash only, interrupted, and calls approved elsewhere asked about again', () => {
    assert.equal(
      importedWords(result({ missing: 2, wasRunning: true, askedAgain: 1 })),
      '12 events, 3 stored contents; 2 contents were recorded by hash only, as in the export; it was running when it was exported: marked interrupted; 1 call approved where it was exported is asked about again here before it runs',
    );
    assert.match(importedWords(result({ askedAgain: 2 })), /; 2 calls approved where it was exported are asked about again here before it runs$/);
  });
});
