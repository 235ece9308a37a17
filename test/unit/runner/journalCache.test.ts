import assert from 'node:assert/strict';
import type { Message } from '../../../src/core/model/types';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { SessionJournal, hashMessage } from '../../../src/core/runner/sessionJournal';
import { openMemoryStore } from '../../../src/core/store/openStore';
import type { BlobHash } from '../../../src/core/store/types';

const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const big = (n: number): Message => ({ role: 'user', content: `result ${n} ${'x'.repeat(50_000)}` });
const added = (m: Message): RunnerEvent => ({ type: 'message_added', data: { role: 'user', message: hashMessage(m), reason: 'human' } });

describe('a long run does not keep the messages a compaction took out of its conversation', () => {
  it('200 results of 50 KB, then a compaction: they are read from the store again when asked, not held for the rest of the run', async () => {
    const store = await openMemoryStore();
    try {
      const s = await store.createSession({ title: 'long' });
      const j = await SessionJournal.open(store, s.id);
      const messages = Array.from({ length: 200 }, (_, n) => big(n));
      for (const m of messages) await j.append(1, [added(m)], { messages: [m] });
      assert.equal((await j.conversation()).length, 1, 'one user message (merged)');
      const summary: Message = { role: 'user', content: 'the task\n\n[Compacted history] summary' };
      const kept = messages.slice(-2);
      await j.append(1, [{ type: 'compacted', data: { compactionId: 'compaction:201', replaced: j.state.messages.slice(0, 198), summary: hashMessage(summary), tokensBefore: 2_500_000, tokensAfter: 25_000, usage, costUsd: 0, model: 'm' } }], { messages: [summary] });
      assert.deepEqual(j.state.messages, [hashMessage(summary), ...kept.map(hashMessage)]);
      let reads = 0;
      const getBlob = store.getBlob.bind(store);
      store.getBlob = (h: BlobHash) => {
        reads++;
        return getBlob(h);
      };
      const conversation = await j.conversation();
      assert.equal(reads, 0, 'what the conversation has now is at hand');
      assert.equal(JSON.stringify(conversation).length < 200_000, true);
      assert.deepEqual(await j.message(hashMessage(messages[0] as Message)), messages[0], 'a compacted message is still readable (Undo Compaction)');
      assert.equal(reads, 1, 'from the store: the run no longer holds it');
    } finally {
      await store.close();
    }
  });
});
