import assert from 'node:assert/strict';
import { JournalLines } from '../../../src/core/runner/journalLines';
import type { JournalEvent, SessionId } from '../../../src/core/store/types';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

/**
 * Show Session's document follows its session: it is read again at every change, twice a second
 * while the session runs. A session of a thousand steps took seconds to read from the start each
 * time (every event, every turn's text, every compacted message), so the editor's extension host
 * was kept busy for as long as the document was open. Only what was journaled since is read now.
 */
describe('the lines of a session document, read again as the session goes on', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('reads only the events journaled since the last read, and gives the same lines as a read from the start', async () => {
    const h = await harness([toolUse('r1', 'read_file', { path: 'a.txt' }), finalText('Read it: it says hello.', { toolResultFor: 'r1' })], { 'a.txt': 'hello\n' });
    const runner = h.runner();
    const id = await h.start(runner, 'read a.txt');
    assert.equal((await runner.run(id)).status, 'completed');
    let read = 0;
    const readEvents = h.store.readEvents.bind(h.store);
    h.store.readEvents = (sid, range) =>
      (async function* (): AsyncGenerator<JournalEvent> {
        for await (const e of readEvents(sid, range)) {
          read++;
          yield e;
        }
      })();
    const summary = async () => (await h.store.getSession(id as SessionId))!;
    const doc = new JournalLines();
    const first = await doc.read(h.store, await summary());
    const all = read;
    assert.ok(all > 4, `${all} events`);
    assert.ok(first.some((l) => l.includes('Read it: it says hello.')), first.join('\n'));

    await runner.pinFact(id, 'the build command is make ci');
    read = 0;
    const second = await doc.read(h.store, await summary());
    assert.equal(read, 1, 'the one event journaled since');
    assert.deepEqual(second, await new JournalLines().read(h.store, await summary()));
    assert.ok(second.at(-1)?.includes('the build command is make ci'), second.at(-1));

    read = 0;
    assert.deepEqual(await doc.read(h.store, await summary()), second);
    assert.equal(read, 0, 'nothing new: nothing read');
  });
});
