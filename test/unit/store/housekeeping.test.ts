import assert from 'node:assert/strict';
import { ClassicLevel } from 'classic-level';
import { retentionPolicy } from '../../../src/core/settings/agentSettings';
import { type SettingLayers, SettingsValues } from '../../../src/core/settings/settingsValues';
import { tidyStore } from '../../../src/core/store/housekeeping';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { BlobHash, RetentionPolicy, SessionId, SessionStatus } from '../../../src/core/store/types';
import { FixtureProcess } from '../../fixtures/storeChild';
import { bytes, sourceFile, stepCommit } from '../builders';
import { tempDirs } from './helpers/tmp';

const SID = 'deleted-session' as SessionId;
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);

/** The database's keys that belong to SID (its journal, snapshots, effects, owned blobs, references). */
async function keysOf(dir: string, sid: string): Promise<string[]> {
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open({ createIfMissing: false });
  const out: string[] = [];
  try {
    for await (const k of db.keys()) if (k.includes(sid) && !k.startsWith('d!')) out.push(k);
  } finally {
    await db.close();
  }
  return out;
}

describe('start-up housekeeping of a store on disk: a deletion SIGKILLed part way (real process, real LevelDB)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('housekeeping');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  it('the next start finishes the purge: the deleted session leaves no record and no blob behind', async () => {
    const dir = await tmp.make();
    const child = new FixtureProcess('deleteKiller', [dir, SID, 'before-purge']);
    const [, full, delta] = (await child.waitFor(/^hashes /)).split(' ') as [string, BlobHash, BlobHash];
    assert.equal((await child.exited).signal, 'SIGKILL');
    assert.ok((await keysOf(dir, SID)).length > 0, 'the kill left the session\'s records');

    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const done = await tidyStore(store);
    assert.equal(done.finished, 1);
    assert.equal(await store.hasBlob(full), false);
    assert.equal(await store.hasBlob(delta), false);
    const [deletion] = await store.listDeletions();
    assert.equal(deletion?.blobsFreed, 2);
    await store.close();
    assert.deepEqual(await keysOf(dir, SID), [], 'nothing of the deleted session is left in the database');

    const again = await openCheckpointStore({ dir, onLocked: 'fail' });
    assert.equal((await tidyStore(again)).finished, 0, 'a second start has nothing left to finish');
    await again.close();
  });

  it('a store opened read-only (another window holds it) is left as it is', async () => {
    const dir = await tmp.make();
    const child = new FixtureProcess('deleteKiller', [dir, SID, 'before-purge']);
    await child.waitFor(/^hashes /);
    await child.exited;
    const owner = await openCheckpointStore({ dir, onLocked: 'fail' });
    const reader = await openCheckpointStore({ dir, onLocked: 'readonly' });
    try {
      assert.equal(reader.readOnly, true);
      assert.deepEqual(await tidyStore(reader), { finished: 0, deleted: [], kept: [] });
    } finally {
      await reader.close();
      await owner.close();
    }
  });
});

/** Settings as VS Code's `inspect` gives them: the user's and a cloned repository's. */
const settings = (user: Record<string, unknown>, workspace: Record<string, unknown> = {}) => retentionPolicy(new SettingsValues((key): SettingLayers => ({ globalValue: user[key], workspaceValue: workspace[key] })));

describe('start-up housekeeping applies savepoint.retention.* (real LevelDB on disk)', function () {
  this.timeout(60_000);
  const tmp = tempDirs('retention-settings');
  afterEach(async function () {
    await tmp.cleanup(this.currentTest?.state === 'failed');
  });

  /** A store whose clock the test moves, with one session per status, each a step with its own file, all last updated 40 days ago but the newest. */
  async function monthsOld() {
    const dir = await tmp.make();
    let clock = NOW - 40 * DAY;
    const store = await openCheckpointStore({ dir, onLocked: 'fail', now: () => clock });
    const ids: Record<string, SessionId> = {};
    const make = async (name: string, status: SessionStatus, pinned = false) => {
      const s = await store.createSession({ title: name, status, pinned });
      await store.commit(stepCommit(s.id, 1, 0, { blobs: [{ content: bytes(`${name}\n${sourceFile(name.length)}`) }] }));
      ids[name] = s.id;
      clock += 1000;
    };
    for (const st of ['running', 'waiting', 'paused', 'interrupted'] as const) await make(st, st);
    await make('pinned', 'completed', true);
    await make('failed', 'failed');
    await make('old', 'completed');
    clock = NOW - DAY;
    await make('recent', 'completed');
    clock = NOW;
    return { dir, store, ids };
  }

  it('maxAgeDays 30 deletes the finished sessions older than 30 days, and only those: never a running, waiting, paused, interrupted or pinned one', async () => {
    const { store, ids } = await monthsOld();
    const done = await tidyStore(store, { policy: settings({ 'retention.maxAgeDays': 30 }), now: NOW });
    assert.deepEqual(done.deleted.map((d) => d.sessionId).sort(), [ids['failed'], ids['old']].sort());
    const left = (await store.listSessions()).sessions.map((s) => s.title).sort();
    assert.deepEqual(left, ['interrupted', 'paused', 'pinned', 'recent', 'running', 'waiting']);
    assert.ok(done.deleted.every((d) => d.blobsFreed === 1), 'each deleted session\'s own file is freed');
    await store.close();
  });

  it('keepLastSessions 1 keeps the newest finished session; 0 (the default) deletes nothing', async () => {
    const { store, ids } = await monthsOld();
    assert.deepEqual((await tidyStore(store, { policy: settings({}), now: NOW })).deleted, []);
    assert.deepEqual((await tidyStore(store, { policy: settings({ 'retention.keepLastSessions': 0 }), now: NOW })).deleted, []);
    const done = await tidyStore(store, { policy: settings({ 'retention.keepLastSessions': 1 }), now: NOW });
    assert.deepEqual(done.deleted.map((d) => d.sessionId).sort(), [ids['failed'], ids['old']].sort());
    assert.ok(await store.getSession(ids['recent'] as SessionId));
    await store.close();
  });

  it("a cloned repository's settings cannot make retention delete more: its lower limits are not used", () => {
    assert.deepEqual(settings({}, { 'retention.keepLastSessions': 1, 'retention.maxAgeDays': 1 }), {});
    assert.deepEqual(settings({ 'retention.keepLastSessions': 20 }, { 'retention.keepLastSessions': 5 }), { keepLast: 20 });
    assert.deepEqual(settings({ 'retention.keepLastSessions': 20 }, { 'retention.keepLastSessions': 50 }), { keepLast: 50 });
    assert.deepEqual(settings({ 'retention.maxAgeDays': 7 }, { 'retention.maxAgeDays': 0 }), {});
    assert.deepEqual(settings({ 'retention.maxAgeDays': 7 }), { maxAgeMs: 7 * DAY });
  });

  it('a session this window runs, or one resumed after the plan was made, is kept', async () => {
    const { store, ids } = await monthsOld();
    const resumed = ids['old'] as SessionId;
    // The plan is made, then the session is resumed (its status written) before its deletion comes.
    const racing = {
      readOnly: false,
      vacuum: () => store.vacuum(),
      planRetention: async (p: RetentionPolicy, now?: number) => {
        const plan = await store.planRetention(p, now);
        await store.updateSession(resumed, { status: 'running' });
        return plan;
      },
      deleteSession: store.deleteSession.bind(store),
      getSession: store.getSession.bind(store),
      readDigests: store.readDigests.bind(store),
      readEvents: store.readEvents.bind(store),
    };
    const done = await tidyStore(racing, { policy: settings({ 'retention.maxAgeDays': 30 }), now: NOW, busy: (id) => id === ids['failed'] });
    assert.deepEqual(done.deleted, []);
    assert.equal((await store.getSession(resumed))?.status, 'running');
    assert.ok(await store.getSession(ids['failed'] as SessionId));
    await store.close();
  });

  it('a finished session whose rewind a crash cut short (its temporary files may still be beside the user\'s) is kept until start-up has removed them', async () => {
    const { store, ids } = await monthsOld();
    const old = ids['old'] as SessionId;
    await store.updateSession(old, { unsettled: ['rewind-tag'] }, { keepUpdatedAt: true });
    const policy = settings({ 'retention.maxAgeDays': 30 });
    assert.deepEqual((await tidyStore(store, { policy, now: NOW })).deleted.map((d) => d.sessionId), [ids['failed']]);
    assert.ok(await store.getSession(old), 'the session that names the leftovers is kept');
    await store.updateSession(old, { unsettled: [] }, { keepUpdatedAt: true });
    assert.deepEqual((await tidyStore(store, { policy, now: NOW })).deleted.map((d) => d.sessionId), [old], 'once they are removed, it goes');
    await store.close();
  });

  it('the session a kept fork was made from (a conversation rewind records its safety checkpoint there) is kept, up the chain', async () => {
    const { store, ids } = await monthsOld();
    const source = ids['old'] as SessionId;
    // A fork of the old session, itself forked: the newest is paused (a rewind's fork waits for its resume).
    const middle = await store.createSession({ title: 'old (fork at step 1)', status: 'completed', parent: { sessionId: source, seq: 1, step: 1 } });
    const fork = await store.createSession({ title: 'old (fork at step 1) again', status: 'paused', parent: { sessionId: middle.id, seq: 1, step: 1 } });
    const done = await tidyStore(store, { policy: settings({ 'retention.keepLastSessions': 1 }), now: NOW });
    // keepLast 1 keeps the newest finished session (the middle fork); 'recent' and 'failed' go, and the source stays for its fork.
    assert.deepEqual(done.deleted.map((d) => d.sessionId).sort(), [ids['failed'], ids['recent']].sort());
    for (const id of [source, middle.id, fork.id]) assert.ok(await store.getSession(id), `${id} is kept`);
    // Once the fork is finished and old, nothing keeps its sources: they go with it.
    await store.updateSession(fork.id, { status: 'completed' });
    const later = await tidyStore(store, { policy: settings({ 'retention.maxAgeDays': 30 }), now: NOW + 60 * DAY });
    assert.deepEqual(later.deleted.map((d) => d.sessionId).sort(), [source, middle.id, fork.id].sort());
    await store.close();
  });

  it('a store whose clock went back, or sessions updated "in the future", deletes none of them by age', async () => {
    const { store } = await monthsOld();
    const done = await tidyStore(store, { policy: settings({ 'retention.maxAgeDays': 30 }), now: NOW - 365 * DAY });
    assert.deepEqual(done.deleted, []);
    await store.close();
  });
});
