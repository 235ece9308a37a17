import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MemoryEntry, MemoryId, MemoryVersion } from '../../../src/core/memory/memoryTypes';
import { FixtureProcess, describeExit } from '../../fixtures/storeChild';
import { tempDirs } from '../store/helpers/tmp';
import { openMemory } from './helpers';

interface Ack {
  i: number;
  op: string;
  id: MemoryId;
  version: number;
}

const parseAck = (line: string): Ack | undefined => {
  const m = /^ack (\d+) (\w+) ([0-9A-Z]{26}) (\d+)$/.exec(line);
  return m ? { i: Number(m[1]), op: m[2] as string, id: m[3] as MemoryId, version: Number(m[4]) } : undefined;
};

/**
 * A child process writes memories (creations, edits, forgets; fsync on) and is SIGKILLed at a
 * random moment, three times over; each new child resumes at the op after the last acknowledged
 * one, so the op in flight at the kill is run again under the same op key. After every kill the
 * store is reopened and checked: every acknowledged write is in its entry's history, no op was
 * written twice, every entry reads as its latest version, and the rebuilt index holds exactly the
 * entries the store holds. Seeded by SAVEPOINT_CRASH_SEED (default: the time).
 */
describe('long-term memory survives SIGKILL', function () {
  this.timeout(120_000);
  const tmp = tempDirs('memory-crash');
  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(() => tmp.cleanup(failed));

  it('every acknowledged write is there after a kill, once, and the index matches the store', async () => {
    const seed = Number(process.env.SAVEPOINT_CRASH_SEED ?? Date.now() % 100_000);
    let rnd = seed;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const dir = await tmp.make();
    const acks: Ack[] = [];
    let next = 1;
    for (let round = 0; round < 3; round++) {
      const child = new FixtureProcess('memoryWriter', [dir, 'crash-session', String(next)], (line) => {
        const a = parseAck(line);
        if (a) acks.push(a);
      });
      await child.waitFor(/^ready /);
      const target = acks.length + 15 + Math.floor(random() * 40);
      while (acks.length < target) {
        if (child.lines.length && (await Promise.race([child.exited.then(() => true), sleep(5).then(() => false)]))) break;
      }
      await sleep(Math.floor(random() * 8));
      const exit = await child.kill();
      assert.equal(exit.signal, 'SIGKILL', `seed ${seed}: ${describeExit(exit)}: ${exit.stderr}`);
      next = (acks[acks.length - 1]?.i ?? 0) + 1;
      await verify(dir, acks, seed);
    }
    assert.ok(acks.length >= 45, `seed ${seed}: only ${acks.length} writes acknowledged`);
    assert.ok(acks.some((a) => a.op === 'edit') && acks.some((a) => a.op === 'forget'), `seed ${seed}: every kind of write ran`);
  });
});

async function verify(dir: string, acks: readonly Ack[], seed: number): Promise<void> {
  const m = await openMemory(dir);
  try {
    const fromStore = new Map<MemoryId, MemoryEntry>();
    for await (const batch of m.workspace.entries()) for (const e of batch) fromStore.set(e.id, e);
    assert.equal(m.memory.size, fromStore.size, `seed ${seed}: index and store disagree`);
    for (const [id, e] of fromStore) assert.deepEqual(m.memory.get(id), e, `seed ${seed}: index entry ${id}`);

    const histories = new Map<MemoryId, MemoryVersion[]>();
    const historyOf = async (id: MemoryId) => histories.get(id) ?? histories.set(id, await m.memory.history(id)).get(id) ?? [];
    for (const a of acks) {
      const v = (await historyOf(a.id)).find((x) => x.version === a.version);
      assert.ok(v, `seed ${seed}: acknowledged op ${a.i} (${a.op} ${a.id} v${a.version}) is missing`);
      assert.equal(v.opKey, `op-${a.i}`, `seed ${seed}: op ${a.i}`);
      assert.equal(v.op, a.op, `seed ${seed}: op ${a.i}`);
    }
    const seen = new Set<string>();
    for (const id of new Set([...fromStore.keys(), ...acks.map((a) => a.id)])) {
      const versions = await historyOf(id);
      for (const v of versions) {
        assert.ok(!seen.has(v.opKey as string), `seed ${seed}: ${v.opKey} written twice`);
        seen.add(v.opKey as string);
      }
      const latest = versions[versions.length - 1];
      assert.deepEqual(fromStore.get(id) ?? null, latest?.entry ?? null, `seed ${seed}: ${id} does not read as its latest version`);
    }
  } finally {
    await m.close();
  }
}
