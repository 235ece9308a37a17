import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryEntry, MemoryId } from '../../../src/core/memory/memoryTypes';
import { MemoryError } from '../../../src/core/memory/memoryTypes';
import { StoreError } from '../../../src/core/store/errors';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import { tempDirs } from '../store/helpers/tmp';
import { at, openMemory, sid } from './helpers';

describe('long-term memory store (LevelDB on disk)', () => {
  const tmp = tempDirs('memory');
  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(() => tmp.cleanup(failed));

  it('round-trips entries of both scopes across two openings (two sessions)', async () => {
    const dir = await tmp.make();
    const userDir = await tmp.make();
    const first = await openMemory(dir, { userDir });
    const a = await first.memory.remember({ kind: 'procedure', text: 'Build with npm run compile, test with npm run test:unit', tags: ['Build', 'tests'] }, at('session-a', 4));
    const b = await first.memory.remember({ kind: 'fact', text: 'The store is LevelDB (classic-level)', pinned: true }, at('session-a', 9));
    const u = await first.memory.remember({ kind: 'fact', text: 'The user prefers tabs', scope: 'user' }, at('session-a', 12));
    await first.close();

    const second = await openMemory(dir, { userDir });
    assert.equal(second.memory.size, 3);
    assert.equal(second.memory.openStats.entries, 3);
    const ids = second.memory.list().map((e) => e.id).sort();
    assert.deepEqual(ids, [a.entry?.id, b.entry?.id, u.entry?.id].sort());
    const proc = second.memory.get(a.entry?.id as MemoryId) as MemoryEntry;
    assert.deepEqual(proc.tags, ['build', 'tests']);
    assert.deepEqual(proc.provenance, { sessionId: 'session-a', seq: 4 });
    assert.equal(second.memory.get(u.entry?.id as MemoryId)?.scope, 'user');
    assert.equal(second.memory.list({ scope: 'user' }).length, 1);
    // The second session edits; a third opening sees the edit, with both versions in the history.
    await second.memory.edit(proc.id, { text: 'Build with npm run build' }, at('session-b', 3));
    await second.close();
    const third = await openMemory(dir, { userDir });
    assert.equal(third.memory.get(proc.id)?.text, 'Build with npm run build');
    assert.equal(third.memory.get(proc.id)?.createdBy.sessionId, 'session-a');
    assert.equal(third.memory.get(proc.id)?.provenance.sessionId, 'session-b');
    assert.deepEqual((await third.memory.history(proc.id)).map((v) => [v.version, v.op, v.provenance.sessionId]), [
      [1, 'create', 'session-a'],
      [2, 'edit', 'session-b'],
    ]);
    await third.close();
  });

  it('keeps its records apart from the sessions of the same store', async () => {
    const dir = await tmp.make();
    const m = await openMemory(dir);
    const [store] = m.stores;
    if (!store) throw new Error('no store');
    const s = await store.createSession({ title: 'with memory' });
    await m.memory.remember({ kind: 'fact', text: 'something' }, at(s.id, 1));
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events: [{ step: 1, type: 'x', data: { n: 1 } }] });
    const page = await store.listSessions();
    assert.deepEqual(page.sessions.map((x) => x.id), [s.id]);
    const load = await store.loadSession(s.id);
    const events = [];
    for await (const e of load.tail) events.push(e);
    assert.equal(events.length, 1);
    assert.deepEqual(await store.listQuarantine(), []);
    await m.close();
  });

  it('rejects writes to a scope without a store and bad input, with MemoryError codes', async () => {
    const m = await openMemory(await tmp.make());
    await assert.rejects(m.memory.remember({ kind: 'fact', text: 'x', scope: 'user' }, at('s', 1)), (e) => MemoryError.is(e, 'SCOPE_UNAVAILABLE'));
    await assert.rejects(m.memory.remember({ kind: 'fact', text: '   ' }, at('s', 1)), (e) => MemoryError.is(e, 'INVALID_ARGUMENT'));
    await assert.rejects(m.memory.remember({ kind: 'fact', text: 'x', tags: ['no spaces'] }, at('s', 1)), (e) => MemoryError.is(e, 'INVALID_ARGUMENT'));
    await assert.rejects(m.memory.forget('01ARZ3NDEKTSV4RRFFQ69G5FAV' as MemoryId, at('s', 1)), (e) => MemoryError.is(e, 'NOT_FOUND'));
    await assert.rejects(m.memory.remember({ kind: 'fact', text: 'x' }, at('bad!id', 1)), (e) => MemoryError.is(e, 'INVALID_ARGUMENT'));
    await m.close();
  });

  it('a write under a seen op key writes nothing twice, until a revert drops the key', async () => {
    const m = await openMemory(await tmp.make());
    const one = await m.memory.remember({ kind: 'fact', text: 'first' }, at('s', 5, 'toolu_1'));
    const again = await m.memory.remember({ kind: 'fact', text: 'first' }, at('s', 5, 'toolu_1'));
    assert.equal(again.replayed, true);
    assert.equal(again.entry?.id, one.entry?.id);
    assert.equal(m.memory.size, 1);
    const gone = await m.memory.forget(one.entry?.id as MemoryId, at('s', 6, 'toolu_2'));
    const goneAgain = await m.memory.forget(one.entry?.id as MemoryId, at('s', 6, 'toolu_2'));
    assert.equal(goneAgain.replayed, true);
    assert.equal(goneAgain.previous?.text, 'first');
    assert.equal(gone.version, 2);
    await m.memory.revertSessionAfter(sid('s'), 4);
    assert.equal(m.memory.size, 0);
    const redo = await m.memory.remember({ kind: 'fact', text: 'first, after the rewind' }, at('s', 5, 'toolu_1'));
    assert.equal(redo.replayed, false);
    assert.equal(m.memory.size, 1);
    await m.close();
  });

  it('revertSessionAfter restores entries the session edited or forgot (written by another session) and drops what it created', async () => {
    const dir = await tmp.make();
    let m = await openMemory(dir);
    const e1 = (await m.memory.remember({ kind: 'fact', text: 'tests run with mocha', tags: ['tests'] }, at('author', 2))).entry as MemoryEntry;
    const e2 = (await m.memory.remember({ kind: 'procedure', text: 'release with vsce package' }, at('author', 3))).entry as MemoryEntry;
    await m.memory.edit(e1.id, { text: 'tests run with vitest', pinned: true }, at('rewound', 5));
    await m.memory.forget(e2.id, at('rewound', 6));
    const e3 = (await m.memory.remember({ kind: 'fact', text: 'a wrong conclusion' }, at('rewound', 7))).entry as MemoryEntry;
    const early = (await m.memory.remember({ kind: 'fact', text: 'kept: written before the rewind point' }, at('rewound', 4))).entry as MemoryEntry;
    assert.equal(m.memory.recall('vitest')[0]?.entry.id, e1.id);

    const preview = await m.memory.previewRevert(sid('rewound'), 4);
    assert.deepEqual(preview.map((v) => [v.op, v.provenance.seq]), [['edit', 5], ['forget', 6], ['create', 7]]);
    assert.equal(m.memory.get(e1.id)?.text, 'tests run with vitest', 'a preview writes nothing');
    const { reverts, unavailable } = await m.memory.revertSessionAfter(sid('rewound'), 4);
    assert.deepEqual(unavailable, []);
    assert.equal(reverts.length, 1);
    assert.equal(reverts[0]?.versions.length, 3);
    const check = () => {
      assert.deepEqual(m.memory.get(e1.id), e1);
      assert.deepEqual(m.memory.get(e2.id), e2);
      assert.equal(m.memory.get(e3.id), undefined);
      assert.equal(m.memory.get(early.id)?.text, early.text);
      assert.equal(m.memory.recall('vitest').length, 0);
      assert.equal(m.memory.recall('mocha')[0]?.entry.id, e1.id);
      assert.equal(m.memory.recall('vsce')[0]?.entry.id, e2.id);
      assert.equal(m.memory.recall('wrong conclusion').length, 0);
    };
    check();
    // Reverting again finds nothing left to undo.
    assert.deepEqual((await m.memory.revertSessionAfter(sid('rewound'), 4)).reverts, []);
    assert.deepEqual(await m.memory.previewRevert(sid('rewound'), 4), []);
    // The history keeps the undone versions, marked.
    const h1 = await m.memory.history(e1.id);
    assert.equal(h1.length, 2);
    assert.equal(h1[1]?.revertedBy, reverts[0]?.revertId);
    await m.close();

    m = await openMemory(dir);
    check();
    // Undoing the revert (the rewind was undone) brings the session's writes back.
    await m.memory.undoRevert(reverts[0]?.revertId as string);
    assert.equal(m.memory.get(e1.id)?.text, 'tests run with vitest');
    assert.equal(m.memory.get(e2.id), undefined);
    assert.equal(m.memory.get(e3.id)?.text, 'a wrong conclusion');
    assert.equal((await m.memory.listReverts())[0]?.undoneAt !== undefined, true);
    await m.close();
    m = await openMemory(dir);
    assert.equal(m.memory.get(e1.id)?.text, 'tests run with vitest');
    assert.equal(m.memory.size, 3);
    await m.close();
  });

  it('a revert undoes the session\'s writes in both scopes', async () => {
    const dir = await tmp.make();
    const userDir = await tmp.make();
    let m = await openMemory(dir, { userDir });
    const keep = (await m.memory.remember({ kind: 'fact', text: 'user fact kept', scope: 'user' }, at('s', 1))).entry as MemoryEntry;
    await m.memory.edit(keep.id, { text: 'user fact edited later' }, at('s', 7));
    await m.memory.remember({ kind: 'fact', text: 'user fact dropped', scope: 'user' }, at('s', 8));
    await m.memory.remember({ kind: 'fact', text: 'workspace fact dropped' }, at('s', 9));
    const { reverts } = await m.memory.revertSessionAfter(sid('s'), 5);
    assert.deepEqual(reverts.map((r) => r.scope).sort(), ['user', 'workspace']);
    await m.close();
    m = await openMemory(dir, { userDir });
    assert.deepEqual(m.memory.list().map((e) => e.text), ['user fact kept']);
    await m.close();
  });

  it('a revert leaves a later write by another session in force', async () => {
    const m = await openMemory(await tmp.make());
    const e = (await m.memory.remember({ kind: 'fact', text: 'v1 by a' }, at('a', 1))).entry as MemoryEntry;
    await m.memory.edit(e.id, { text: 'v2 by s' }, at('s', 10));
    await m.memory.edit(e.id, { text: 'v3 by b' }, at('b', 2));
    await m.memory.revertSessionAfter(sid('s'), 0);
    assert.equal(m.memory.get(e.id)?.text, 'v3 by b');
    await m.memory.revertSessionAfter(sid('b'), 0);
    assert.equal(m.memory.get(e.id)?.text, 'v1 by a');
    // A new write after reverts takes a fresh version number.
    const v = await m.memory.edit(e.id, { text: 'v4 by c' }, at('c', 1));
    assert.equal(v.version, 4);
    assert.equal(v.previous?.text, 'v1 by a');
    await m.close();
  });

  it('fork: the fork does not own its parent\'s writes, and each side reverts only its own', async () => {
    const m = await openMemory(await tmp.make());
    // Parent P writes e1 at seq 3; F is forked from P at seq 5 (its journal copies P's events 1..5).
    const e1 = (await m.memory.remember({ kind: 'fact', text: 'parent wrote this' }, at('parent', 3))).entry as MemoryEntry;
    await m.memory.edit(e1.id, { text: 'the fork refined this' }, at('fork', 8));
    const e2 = (await m.memory.remember({ kind: 'fact', text: 'parent kept going after the fork point' }, at('parent', 9))).entry as MemoryEntry;
    const e3 = (await m.memory.remember({ kind: 'fact', text: 'the fork found this' }, at('fork', 9))).entry as MemoryEntry;

    // Rewinding the fork to its start undoes its own writes only.
    await m.memory.revertSessionAfter(sid('fork'), 5);
    assert.equal(m.memory.get(e1.id)?.text, 'parent wrote this');
    assert.equal(m.memory.get(e2.id)?.text, e2.text);
    assert.equal(m.memory.get(e3.id), undefined);

    // The fork writes again; now the parent is rewound to the fork point (a conversation rewind forks at seq 5):
    // the parent's later writes go, the fork's edit of the parent's entry stays.
    await m.memory.edit(e1.id, { text: 'the fork refined this again' }, at('fork', 10));
    await m.memory.revertSessionAfter(sid('parent'), 5);
    assert.equal(m.memory.get(e2.id), undefined);
    assert.equal(m.memory.get(e1.id)?.text, 'the fork refined this again');

    // The fork is rewound to before its fork point, at parent seq 2: its own writes, and the parent's
    // writes it inherited (parent seqs 3..5), are undone; the parent's writes up to 2 are not touched.
    const early = (await m.memory.remember({ kind: 'fact', text: 'parent, before everything' }, at('parent', 2))).entry as MemoryEntry;
    await m.memory.revertSessionAfter(sid('fork'), 0);
    await m.memory.revertSessionAfter(sid('parent'), 2, 5);
    assert.equal(m.memory.get(e1.id), undefined);
    assert.equal(m.memory.get(early.id)?.text, early.text);
    await m.close();
  });

  it('encryption at rest covers memory records', async () => {
    const dir = await tmp.make();
    const key = new Uint8Array(32).fill(7);
    const m = await openMemory(dir, { keyProvider: { getKey: async () => key } });
    const secret = 'the-deploy-token-lives-in-vault-path-zebra';
    await m.memory.remember({ kind: 'fact', text: secret, tags: ['zebra'] }, at('s', 1));
    await m.close();
    for (const name of await readdir(dir)) {
      const bytes = await readFile(join(dir, name));
      assert.equal(bytes.includes(Buffer.from('vault-path-zebra')), false, `plaintext found in ${name}`);
    }
    const again = await openMemory(dir, { keyProvider: { getKey: async () => key } });
    assert.equal(again.memory.recall('zebra')[0]?.entry.text, secret);
    await again.close();
  });

  it('a read-only copy (another window holds the store) reads memory and refuses writes', async () => {
    const dir = await tmp.make();
    const owner = await openMemory(dir);
    await owner.memory.remember({ kind: 'fact', text: 'visible from the second window' }, at('s', 1));
    const store = await openCheckpointStore({ dir, onLocked: 'readonly' });
    const { MemoryStore } = await import('../../../src/core/memory/memoryStore');
    const { LongTermMemory } = await import('../../../src/core/memory/longTermMemory');
    const ro = await LongTermMemory.open({ workspace: new MemoryStore('workspace', store.openSpace('memory')) });
    assert.equal(ro.recall('second window').length, 1);
    await assert.rejects(ro.remember({ kind: 'fact', text: 'nope' }, at('t', 1)), (e) => StoreError.is(e, 'READ_ONLY'));
    assert.deepEqual(await ro.revertSessionAfter(sid('s'), 0), { reverts: [], unavailable: ['workspace'] });
    await store.close();
    await owner.close();
  });
});
