import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextKeys } from '../../../src/shared/contextKeys';

const s = (id: string, status: string, title = `task ${id}`) => ({ id, title, status });
const none = () => false;

describe('contextKeys: the palette offers a command only when it has something to act on', () => {
  it('waiting, running in this window, resumable, unfinished', () => {
    const keys = contextKeys([s('a', 'waiting'), s('b', 'running'), s('c', 'interrupted'), s('d', 'completed')], (id) => id === 'b');
    assert.deepEqual(keys, { 'savepoint.anyWaiting': true, 'savepoint.anyRunning': true, 'savepoint.anyResumable': true, 'savepoint.anyUnfinished': true });
    assert.deepEqual(contextKeys([s('d', 'completed')], none), { 'savepoint.anyWaiting': false, 'savepoint.anyRunning': false, 'savepoint.anyResumable': false, 'savepoint.anyUnfinished': false });
    // Running in the store, run by another window: nothing to pause here.
    assert.equal(contextKeys([s('b', 'running')], none)['savepoint.anyRunning'], false);
  });

  it("package.json hides the commands that need such a session behind those keys, and reads no key the extension does not set", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    const set = new Set(Object.keys(contextKeys([], none)));
    const palette = new Map(pkg.contributes.menus.commandPalette?.map((m) => [m.command, m.when]));
    for (const [command, key] of [['savepoint.answerApprovals', 'savepoint.anyWaiting'], ['savepoint.pauseSession', 'savepoint.anyRunning'], ['savepoint.resumeSession', 'savepoint.anyResumable'], ['savepoint.cancelSession', 'savepoint.anyUnfinished']] as const) {
      assert.equal(palette.get(command), key, command);
    }
    const read = Object.values(pkg.contributes.menus).flatMap((ms) => ms.flatMap((m) => [...(m.when ?? '').matchAll(/savepoint\.any\w+/g)].map((x) => x[0])));
    assert.deepEqual(read.filter((k) => !set.has(k)), []);
  });
});
