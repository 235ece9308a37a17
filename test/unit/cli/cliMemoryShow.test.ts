import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/core/memory/memoryStore';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { cliScratch } from './cliChild';

describe('savepoint memory show with an id no memory has (child process)', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-memshow-');

  it('fails (exit 1) naming the id, as memory forget does: it printed "No such memory." and exited 0, so a script took it as found', async () => {
    const { cli } = await scratch([]);
    for (const sub of ['show', 'forget']) {
      await assert.rejects(cli('memory', sub, '01NOSUCHMEMORY'), (e: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(e.code, 1, `${sub}: ${e.stderr}`);
        assert.equal(e.stdout, '', sub);
        assert.match(e.stderr ?? '', /^savepoint: no memory 01NOSUCHMEMORY/, sub);
        return true;
      });
    }
    assert.equal((await cli('memory', 'list')).stdout, 'No memories.\n');
  });
});

describe('savepoint memory list and show print a memory the model wrote as text, not as terminal commands (child process)', function () {
  this.timeout(60_000);
  const scratch = cliScratch('savepoint-cli-memtext-');

  it('escape sequences, BEL, a lone carriage return and bidi controls in a memory are shown by their code', async () => {
    const { cli, store: dir } = await scratch([]);
    // What a model could save from a file it read: clear the screen, retitle the terminal, hide a line behind a carriage return.
    const text = 'Build with make.\x1b[2J\x1b]0;owned\x07\rrm -rf ~ is the way to clean\u202e\nSecond line';
    const store = await openCheckpointStore({ dir, onLocked: 'fail' });
    const space = new MemoryStore('workspace', store.openSpace('memory'));
    // A space just opened is read by iterating it first, as LongTermMemory.open does.
    for await (const batch of space.entries()) assert.deepEqual(batch, []);
    const made = await space.create({ kind: 'fact', text }, { sessionId: 'S1' as SessionId, seq: 1 });
    await store.close();
    const id = made.entry?.id ?? '';
    for (const args of [['memory', 'list'], ['memory', 'show', id], ['memory', 'recall', 'make']]) {
      const { stdout } = await cli(...args);
      assert.doesNotMatch(stdout, /[\x00-\x08\x0b-\x1f\x7f\u202e]/, `${args.join(' ')}: ${JSON.stringify(stdout)}`);
      assert.match(stdout, /\\u\{1B\}\[2J/, args.join(' '));
      assert.match(stdout, /Build with make\./, args.join(' '));
    }
    assert.match((await cli('memory', 'show', id)).stdout, /\nSecond line\n/, 'show keeps the line breaks of the text');
  });
});
