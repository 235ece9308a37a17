import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { readManifest } from '../../../src/core/store/leveldbManifest';

describe('LevelDB MANIFEST: the live tables and the next file number (real LevelDB)', () => {
  it('names the live tables on disk (at their sizes) after writes, flushes and compactions, and a next number past them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'savepoint-manifest-'));
    try {
      const db = new ClassicLevel<string, Buffer>(dir, { keyEncoding: 'utf8', valueEncoding: 'buffer', writeBufferSize: 64 * 1024 });
      await db.open();
      for (let round = 0; round < 6; round++) {
        const batch = db.batch();
        for (let i = 0; i < 400; i++) batch.put(`k${String(i).padStart(5, '0')}`, Buffer.alloc(500, round + i));
        await batch.write();
      }
      await db.close();
      const manifest = readFileSync(join(dir, readFileSync(join(dir, 'CURRENT'), 'utf8').trim()));
      const tables = readManifest(manifest);
      assert.ok(tables, 'the MANIFEST reads');
      const onDisk = new Map(readdirSync(dir).filter((n) => n.endsWith('.ldb')).map((n) => [Number.parseInt(n, 10), statSync(join(dir, n)).size]));
      assert.ok(tables.live.size > 1, `several live tables (${[...tables.live.keys()].join(', ')})`);
      // Every live table is on disk at its size; a table on disk that is not live is the output of a compaction cut short by the close, which the next open deletes.
      for (const [n, size] of tables.live) assert.equal(onDisk.get(n), size, `table ${n}`);
      const numbers = [...tables.live.keys(), Number.parseInt(readFileSync(join(dir, 'CURRENT'), 'utf8').replace('MANIFEST-', ''), 10)];
      assert.ok(numbers.every((n) => n < tables.nextFile), `next file ${tables.nextFile} is past ${Math.max(...numbers)}`);
      assert.equal(readManifest(manifest.subarray(0, 3)), undefined, 'too short to name a next file');
      assert.equal(readManifest(Buffer.from('not a manifest at all, just some text here')), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
