import assert from 'node:assert/strict';
import { CheckpointContentStore } from '../../../src/core/capture/checkpointContentStore';
import { openMemoryStore } from '../../../src/core/store/openStore';
import type { BlobHash } from '../../../src/core/store/types';
import { captureCommand, captureScratch, only, sha, summary, text } from './captureHarness';

describe('CheckpointContentStore', () => {
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  it('keeps the baseline as blobs of the checkpoint store, so old bytes of command edits come back', async () => {
    const store = await openMemoryStore();
    try {
      const session = await store.createSession({ title: 'capture' });
      const contents = new CheckpointContentStore(store, session.id);
      assert.equal(await contents.get(sha('nothing')), undefined);
      const root = await tmp.workspace({ 'a.ts': 'export const a = 1;\n', 'b.ts': 'b\n' });
      const capture = tmp.capture(root, { contentStore: contents });
      const set = await captureCommand(capture, root, "sed -i 's/1/2/' a.ts && rm b.ts");
      assert.deepEqual(summary(set), ['a.ts modified', 'b.ts deleted']);
      assert.equal(text(only(set, 'a.ts').beforeBytes), 'export const a = 1;\n');
      assert.equal(text(only(set, 'b.ts').beforeBytes), 'b\n');
      assert.equal(await store.hasBlob(sha('export const a = 2;\n') as BlobHash), true);
    } finally {
      await store.close();
    }
  });
});
