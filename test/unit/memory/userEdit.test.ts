import assert from 'node:assert/strict';
import { MemoryError, type MemoryEntry } from '../../../src/core/memory/memoryTypes';
import { tempDirs } from '../store/helpers/tmp';
import { type OpenedMemory, at, openMemory } from './helpers';

/** The Memory view's writes: the user's, made against the version the view showed them. */
const user = at('user', 0);

describe('a memory edited by the user while a session runs', () => {
  const tmp = tempDirs('memory-user-edit');
  let m: OpenedMemory;
  beforeEach(async () => {
    m = await openMemory(await tmp.make());
  });
  afterEach(async () => {
    await m.close();
    await tmp.cleanup();
  });

  const seed = async () => (await m.memory.remember({ kind: 'fact', text: 'The API listens on port 8080.' }, at('session', 3, 'toolu_1'))).entry as MemoryEntry;

  it("the user's edit of a version a session replaced since is refused, and the session's version stays", async () => {
    const shown = await seed();
    // The session updates it while the user types.
    await m.memory.edit(shown.id, { text: 'The API listens on port 9090 since the proxy change.' }, at('session', 7, 'toolu_2'));
    await assert.rejects(m.memory.edit(shown.id, { text: 'The API listens on port 8080 (checked).' }, user, { ifVersion: shown.version }), (e) => MemoryError.is(e, 'CHANGED'));
    assert.equal(m.memory.get(shown.id)?.text, 'The API listens on port 9090 since the proxy change.');
    assert.equal((await m.memory.history(shown.id)).length, 2, 'nothing was written');

    // Asked again and confirmed, against the version now shown: saved.
    const now = m.memory.get(shown.id) as MemoryEntry;
    await m.memory.edit(shown.id, { text: 'The API listens on port 8080 (checked).' }, user, { ifVersion: now.version });
    assert.equal(m.memory.get(shown.id)?.text, 'The API listens on port 8080 (checked).');
  });

  it('a pin toggled from a stale view is refused instead of undoing the pin a session set meanwhile', async () => {
    const shown = await seed();
    await m.memory.edit(shown.id, { pinned: true }, at('session', 8, 'toolu_3'));
    await assert.rejects(m.memory.edit(shown.id, { pinned: !shown.pinned }, user, { ifVersion: shown.version }), (e) => MemoryError.is(e, 'CHANGED'));
    assert.equal(m.memory.get(shown.id)?.pinned, true);
  });

  it('a deletion the user confirmed for one text does not delete the new text a session wrote meanwhile', async () => {
    const shown = await seed();
    await m.memory.edit(shown.id, { text: 'The API listens on port 9090.' }, at('session', 9, 'toolu_4'));
    await assert.rejects(m.memory.forget(shown.id, user, { ifVersion: shown.version }), (e) => MemoryError.is(e, 'CHANGED'));
    assert.equal(m.memory.get(shown.id)?.text, 'The API listens on port 9090.');
  });

  it('an entry the session forgot meanwhile is NOT_FOUND, and the version a write expected is no help to it', async () => {
    const shown = await seed();
    await m.memory.forget(shown.id, at('session', 10, 'toolu_5'));
    await assert.rejects(m.memory.edit(shown.id, { text: 'again' }, user, { ifVersion: shown.version }), (e) => MemoryError.is(e, 'NOT_FOUND'));
    assert.equal(m.memory.get(shown.id), undefined);
  });
});
