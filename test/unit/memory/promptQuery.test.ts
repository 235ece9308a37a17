import assert from 'node:assert/strict';
import type { MemoryEntry } from '../../../src/core/memory/memoryTypes';
import { MAX_PROMPT_QUERY_TERMS, promptQuery } from '../../../src/core/memory/promptSelection';
import { tempDirs } from '../store/helpers/tmp';
import { type OpenedMemory, at, openMemory } from './helpers';

describe('the prompt memory search of a session with a huge task', () => {
  const tmp = tempDirs('memory-prompt-query');
  let m: OpenedMemory;
  const saved: MemoryEntry[] = [];

  before(async () => {
    m = await openMemory(await tmp.make());
    const texts = ['The flaky upload test needs the mock server on port 9000.', 'Deploys go via staging buckets.'];
    for (const [i, text] of texts.entries()) saved.push((await m.memory.remember({ kind: 'fact', text }, at('seed', i + 1))).entry as MemoryEntry);
  });
  after(async () => {
    await m.close();
    await tmp.cleanup();
  });

  it('searches only the first distinct words of the task, in order, lower-cased', () => {
    assert.equal(promptQuery('Fix the flaky test, then FIX the other flaky test.'), 'fix the flaky test then other');
    const log = Array.from({ length: 20_000 }, (_, i) => `frame${i}`).join('\n');
    const q = promptQuery(`Why does this crash?\n${log}`).split(' ');
    assert.equal(q.length, MAX_PROMPT_QUERY_TERMS);
    assert.deepEqual(q.slice(0, 4), ['why', 'does', 'this', 'crash']);
  });

  it('a task with a pasted log of 20,000 lines chooses what its opening words ask for', () => {
    const log = Array.from({ length: 20_000 }, (_, i) => `    at frame${i} (src/mod${i}.ts:${i}:7)`).join('\n');
    const task = `Fix the flaky upload test. Here is the log:\n${log}\n    staging buckets`;
    const chosen = m.memory.selectForPrompt(task, 1500).entries.map((e) => e.id);
    assert.deepEqual(chosen, [saved[0]?.id], 'the words at the end of the log no longer take part in the search');
    assert.deepEqual(chosen, m.memory.selectForPrompt(promptQuery(task), 1500).entries.map((e) => e.id));
  });
});
