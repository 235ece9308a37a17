import assert from 'node:assert/strict';
import type { MemoryEntry } from '../../../src/core/memory/memoryTypes';
import { PROMPT_HEADER, estimateTokens } from '../../../src/core/memory/promptSelection';
import { formatMemoryList, formatMemoryReverts, formatMemoryShow } from '../../../src/core/memory/memoryFormat';
import { tempDirs } from '../store/helpers/tmp';
import { type OpenedMemory, at, openMemory, sid } from './helpers';

describe('long-term memory recall and prompt selection', () => {
  const tmp = tempDirs('memory-recall');
  let m: OpenedMemory;
  const ids: Record<string, MemoryEntry> = {};

  before(async () => {
    m = await openMemory(await tmp.make(), { userDir: await tmp.make() });
    const add = async (name: string, kind: MemoryEntry['kind'], text: string, tags: string[] = [], pinned = false, scope: MemoryEntry['scope'] = 'workspace') => {
      ids[name] = (await m.memory.remember({ kind, text, tags, pinned, scope }, at('seed', Object.keys(ids).length + 1))).entry as MemoryEntry;
    };
    await add('build', 'procedure', 'Compile with npm run compile; bundle with npm run build (webpack).', ['build']);
    await add('test', 'procedure', 'Run unit tests with npm run test:unit; they need a compile first.', ['tests']);
    await add('lintTagged', 'fact', 'ESLint runs with max-warnings 0 and layer zones.', ['lint']);
    await add('lintText', 'fact', 'The lint step also checks import cycles with dpdm, after eslint.');
    await add('store', 'fact', 'Checkpoints live in LevelDB through classic-level; snapshots every 64 events.', ['store', 'leveldb'], true);
    await add('episode', 'episode', 'Session 12 fixed the flaky crash test by waiting for the lock to be released.', ['crash']);
    await add('tabs', 'fact', 'The user prefers two-space indentation and short commit messages.', ['style'], false, 'user');
    for (let i = 0; i < 30; i++) await add(`noise${i}`, 'fact', `Unrelated note ${i} about the weather and lunch options number ${i}.`);
  });
  after(async () => {
    await m.close();
    await tmp.cleanup();
  });

  it('ranks by relevance, with prefix and typo tolerance', () => {
    assert.equal(m.memory.recall('webpack bundle')[0]?.entry.id, ids.build?.id);
    assert.equal(m.memory.recall('compil')[0]?.entry.id, ids.build?.id, 'prefix');
    assert.equal(m.memory.recall('levledb')[0]?.entry.id, ids.store?.id, 'typo');
    assert.equal(m.memory.recall('flaky crash')[0]?.entry.id, ids.episode?.id);
    assert.equal(m.memory.recall('indentation')[0]?.entry.scope, 'user');
  });

  it('a tag outweighs the same word in the text', () => {
    const hits = m.memory.recall('lint');
    assert.equal(hits[0]?.entry.id, ids.lintTagged?.id);
    assert.equal(hits[1]?.entry.id, ids.lintText?.id);
  });

  it('filters by kind, scope and tags; an empty query lists the most recent', () => {
    assert.deepEqual(m.memory.recall('npm', { kinds: ['procedure'] }).map((h) => h.entry.kind), ['procedure', 'procedure']);
    assert.equal(m.memory.recall('indentation', { scopes: ['workspace'] }).length, 0);
    assert.deepEqual(m.memory.recall('', { tags: ['TESTS'] }).map((h) => h.entry.id), [ids.test?.id]);
    assert.equal(m.memory.recall('', { limit: 3 }).length, 3);
  });

  it('selectForPrompt puts procedures and pinned entries first and stays within the token budget', () => {
    const wide = m.memory.selectForPrompt('crash test lock', 10_000);
    const kinds = wide.entries.map((e) => (e.pinned ? 'pinned' : e.kind));
    assert.deepEqual(kinds.slice(0, 3).sort(), ['pinned', 'procedure', 'procedure']);
    assert.equal(wide.entries[0]?.id, ids.store?.id, 'pinned first');
    assert.ok(wide.entries.some((e) => e.id === ids.episode?.id), 'the query hit follows');
    assert.ok(wide.text.startsWith(PROMPT_HEADER));
    assert.equal(wide.tokens, estimateTokens(wide.text));
    assert.ok(!wide.entries.some((e) => e.text.includes('weather')), 'noise is not a hit for this query');

    for (const budget of [0, 10, 40, 60, 90, 200]) {
      const s = m.memory.selectForPrompt('crash test lock', budget);
      assert.ok(s.tokens <= budget, `budget ${budget}: ${s.tokens}`);
      if (s.entries.length === 0) assert.equal(s.text, '');
    }
    const tight = m.memory.selectForPrompt('crash test lock', 60);
    assert.ok(tight.entries.length >= 1 && tight.omitted >= 1);
    assert.equal(tight.entries[0]?.id, ids.store?.id);
  });

  it('formats lists, entries and reverts for the CLI', async () => {
    const list = formatMemoryList(m.memory.list({ kind: 'procedure' }), 100);
    assert.match(list, /^ID\s+SCOPE\s+KIND/);
    assert.match(list, /2 memories\n$/);
    for (const line of list.split('\n').slice(1, 3)) assert.ok(line.length <= 100, line);
    const e = ids.test as MemoryEntry;
    await m.memory.edit(e.id, { text: 'Run unit tests with npm run test:unit.' }, at('editor', 3));
    const show = formatMemoryShow(m.memory.get(e.id), await m.memory.history(e.id));
    assert.match(show, /kind:\s+procedure/);
    assert.match(show, /v1 {2}create/);
    assert.match(show, /v2 {2}edit/);
    const [revert] = (await m.memory.revertSessionAfter(sid('editor'), 0)).reverts;
    assert.ok(revert);
    assert.match(formatMemoryShow(m.memory.get(e.id), await m.memory.history(e.id)), /undone by revert/);
    assert.match(formatMemoryReverts(await m.memory.listReverts()), /session editor after event 0: 1 write/);
    assert.equal(formatMemoryList([]), 'No memories.\n');
  });
});
