import assert from 'node:assert/strict';
import { PROMPT_HEADER, estimateTokens, selectEntries } from '../../../src/core/memory/promptSelection';
import type { MemoryEntry, MemoryId } from '../../../src/core/memory/memoryTypes';
import type { SessionId } from '../../../src/core/store/types';
import { describeEvent } from '../../../src/core/runner/timeline';
import { openMemory } from '../../../src/core/memory/openMemory';
import type { SessionStartedData } from '../../../src/core/runner/runEvents';
import { ScriptedGate, finalText, harnessPerTest } from '../runner/runnerHarness';

const by = { sessionId: 's' as SessionId, seq: 1 };
const entry = (n: number, text: string, pinned = true): MemoryEntry => ({ id: `01J${String(n).padStart(23, '0')}` as MemoryId, kind: 'fact', scope: 'workspace', text, tags: [], pinned, version: 1, createdAt: n, updatedAt: n, createdBy: by, provenance: by });

describe('pinned memories over the prompt budget', () => {
  const harness = harnessPerTest();

  it('the prompt names the pinned memories that did not fit, pinned ones go first, and the budget holds', () => {
    const pinned = [1, 2, 3, 4, 5].map((n) => entry(n, `Pinned rule number ${n}: ${'always keep this in mind '.repeat(8)}`));
    const other = entry(9, 'A procedure that fits easily.', false);
    const s = selectEntries([...pinned, { ...other, kind: 'procedure' }], [], 200);
    assert.ok(s.tokens <= 200, `${s.tokens} tokens`);
    const inPrompt = pinned.filter((e) => s.entries.includes(e));
    const left = pinned.filter((e) => !s.entries.includes(e));
    assert.ok(inPrompt.length >= 1 && left.length >= 1, `${inPrompt.length} in, ${left.length} left out`);
    assert.deepEqual(s.leftOutPinned.map((e) => e.id).sort(), left.map((e) => e.id).sort());
    for (const e of left) assert.ok(s.text.includes(e.id), `the prompt names ${e.id}, left out`);
    assert.match(s.text, /pinned memor(y|ies) left out/i);
    assert.ok(!s.entries.some((e) => e.kind === 'procedure'), 'nothing unpinned goes in while a pinned one is left out');
    assert.equal(s.tokens, estimateTokens(s.text));
    assert.ok(s.text.startsWith(PROMPT_HEADER));
  });

  it('all fit: no note', () => {
    const s = selectEntries([entry(1, 'short pinned')], [], 1000);
    assert.deepEqual(s.leftOutPinned, []);
    assert.doesNotMatch(s.text, /left out/);
  });

  it('the session start journals which pinned memories were left out, and show tells the user', async () => {
    const h = await harness([finalText('done')]);
    const mem = await openMemory(h.store, undefined);
    try {
      for (let n = 0; n < 40; n++) await mem.memory.remember({ kind: 'fact', text: `Pinned convention ${n}: ${'keep the public API stable and documented '.repeat(3)}`, tags: [], pinned: true }, { sessionId: 'seed' as SessionId, seq: n + 1 });
      const runner = h.runner(new ScriptedGate(), { memory: mem.memory });
      const id = await h.start(runner);
      const started = (await h.events(id))[0];
      assert.equal(started?.type, 'session_started');
      const d = started?.data as SessionStartedData;
      assert.ok(d.pinnedLeftOut && d.pinnedLeftOut.length > 0, 'left out ids are journaled');
      for (const left of d.pinnedLeftOut ?? []) assert.ok(d.system.includes(left), 'and named to the model');
      assert.match(describeEvent(started as never), new RegExp(`${d.pinnedLeftOut?.length} pinned memor(y|ies) left out of the prompt`));
    } finally {
      await mem.close();
    }
  });
});
