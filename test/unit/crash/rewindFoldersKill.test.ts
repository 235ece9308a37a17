import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commandSession, keptSessions } from '../checkpoints/helpers/commandSession';
import { diskTree } from '../checkpoints/helpers/diskTree';
import { type Killed, child, tempsUnder } from './crashChild';

describe('a rewind that empties a folder a later step made, SIGKILLed after its deletions (real process, real LevelDB)', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  for (const kill of ['rename:2', 'settle']) {
    it(`killed at ${kill}, then done again: no empty gen/ is left behind, as without the crash`, async () => {
      const s = await commandSession(['echo a > a.txt', 'sleep 0.1; mkdir -p gen && echo x > gen/x.ts && echo y > gen/y.ts'], { keep });
      await s.capture.dispose();
      await s.h.store.close();
      const k: Killed = { root: s.h.root, ws: s.h.workspace, store: join(s.h.root, 'store'), id: s.id, done: async () => undefined };
      assert.equal((await child(k, 'rewind', kill, 1)).signal, 'SIGKILL');
      const again = await child(k, 'rewind', 'none', 1);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(await tempsUnder(k.ws), []);
      assert.deepEqual(await diskTree(k.ws), { 'a.txt': '"a\\n"' }, 'the rewind done again leaves the emptied gen/ made after step 1');
    });
  }
});
