import assert from 'node:assert/strict';
import type { Message } from '../../../src/core/model/types';
import { encodeMessage, hashMessage } from '../../../src/core/runner/sessionJournal';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import { openMemoryStore } from '../../../src/core/store/openStore';
import type { BlobHash, JournalEvent, NewEvent, SessionId } from '../../../src/core/store/types';

const usage = { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 };
const STEPS = 2000;
/** What a step's result holds: a test log or a file read (the journal keeps what the model got). */
const RESULT = 'x'.repeat(20_000);

/** A step as the runner journals it: the turn (its message as a blob), the plan, the start, the result. */
function step(n: number): { events: NewEvent[]; message: Message } {
  const message: Message = { role: 'assistant', content: [{ type: 'text', text: `step ${n}` }, { type: 'tool_use', id: `c${n}`, name: 'read_file', input: { path: `f${n}.ts` } }] };
  return {
    message,
    events: [
      { step: n, type: 'model_turn', data: { turn: n, message: hashMessage(message), calls: [{ id: `c${n}`, name: 'read_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm', attempts: 1, retries: [] } },
      { step: n, type: 'tool_planned', data: { callId: `c${n}`, name: 'read_file', category: 'read', input: { path: `f${n}.ts` } } },
      { step: n, type: 'tool_started', data: { callId: `c${n}` } },
      { step: n, type: 'tool_result', data: { callId: `c${n}`, name: 'read_file', key: `read_file ${n}`, isError: false, content: `${n} ${RESULT}`, progressed: false } },
    ],
  };
}

describe('the sidebar timeline of a 2,000-step session is read a batch at a time', function () {
  this.timeout(60_000);

  it('opening it never holds more than a batch of the journal unfolded (its results are megabytes together), and shows all of it', async () => {
    const store = await openMemoryStore();
    try {
      const s = await store.createSession({ title: 'long' });
      let head = 0;
      for (let n = 1; n <= STEPS; n++) {
        const { events, message } = step(n);
        head = (await store.commit({ sessionId: s.id, expectedHeadSeq: head, events, blobs: [{ content: encodeMessage(message) }] })).headSeq;
      }
      // The journal as the loader reads it, watched: how far reading runs ahead of what is folded into the view.
      const view: { loader?: TimelineViewLoader } = {};
      let ahead = 0;
      let blobsAtOnce = 0;
      const watched = Object.create(store) as typeof store;
      watched.readEvents = async function* (id: SessionId, range) {
        for await (const e of store.readEvents(id, range)) {
          ahead = Math.max(ahead, e.seq - (view.loader?.state.lastSeq ?? 0));
          yield e as JournalEvent;
        }
      };
      watched.getBlobs = (hashes: BlobHash[]) => {
        blobsAtOnce = Math.max(blobsAtOnce, hashes.length);
        return store.getBlobs(hashes);
      };
      const loader = new TimelineViewLoader(watched, s.id);
      view.loader = loader;
      const changed = await loader.catchUp();
      assert.equal(changed.size, 2 * STEPS, 'every turn and every call');
      assert.equal(loader.state.lastSeq, head);
      const last = loader.state.entries.get(`tool:c${STEPS}`);
      assert.ok(last?.kind === 'tool' && last.result?.text.startsWith(`${STEPS} x`));
      const turn = [...loader.state.entries.values()].find((e) => e.kind === 'model');
      assert.ok(turn?.kind === 'model' && turn.text.text === 'step 1', 'the turn texts are read');
      assert.ok(ahead <= 1000, `read ${ahead} events (${Math.round((ahead * RESULT.length) / 1e6)} MB of results) before folding them`);
      assert.ok(blobsAtOnce <= 500, `${blobsAtOnce} message blobs read at once`);
    } finally {
      await store.close();
    }
  });
});
