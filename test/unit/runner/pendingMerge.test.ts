import assert from 'node:assert/strict';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFileHistory } from '../../../src/core/checkpoints/fileHistory';
import { readJournal } from '../../../src/core/checkpoints/checkpointEvents';
import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import { mergeStale } from '../../../src/core/runner/pendingMerge';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

const ORIGINAL = 'function one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {\n  return 3;\n}\n';
const OURS = ORIGINAL.replace('return 1;', 'return 100;');
const THEIRS_ELSEWHERE = ORIGINAL.replace('return 3;', 'return 3; // tuned by hand');
const THEIRS_SAME = ORIGINAL.replace('return 1;', 'return -1; // mine');

const results = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));

const STEPS = () => [toolUse('w1', 'write_file', { path: 'src/f.ts', content: OURS }), finalText('done', { toolResultFor: 'w1' })];

describe('a pending edit whose file changed under it: merged three-way when clean, the user decides otherwise', function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => h?.close());

  async function parkThenEdit(outside: string) {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
    // While the approval waits, the user edits the file.
    await writeFile(join(h.workspace, 'src/f.ts'), outside);
    return id;
  }

  it('an approved edit is merged with an outside change to another function, and says so', async () => {
    const id = await parkThenEdit(THEIRS_ELSEWHERE);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool'], 'the merge was clean: no conflict question');
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), OURS.replace('return 3;', 'return 3; // tuned by hand'));
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.match(w1?.content ?? '', /merged with changes made outside the session .*src\/f\.ts/);
    // The journal records what was really written: the session's last known state is the merge, not a drift.
    const last = buildFileHistory(await readJournal(h.store, id)).lastState().get('src/f.ts');
    assert.equal(last?.hash, hashBytes(await readFile(join(h.workspace, 'src/f.ts'))));
  });

  it('an outside change to the same lines is a conflict: the user is asked with the lines named, and a rejection keeps their version', async () => {
    const id = await parkThenEdit(THEIRS_SAME);
    const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    assert.deepEqual(gate.asked.map((a) => a.kind), ['tool', 'conflict']);
    assert.match(gate.asked[1]?.reasons.join(' ') ?? '', /both changed the same lines \(lines 2-2\)/);
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), THEIRS_SAME);
    assert.equal(results(await h.events(id)).find((r) => r.callId === 'w1')?.isError, true);
  });

  it('an edit in flight at a crash is merged with what changed on disk before the resume, and recorded as merged', async () => {
    h = await harness(STEPS(), { 'src/f.ts': ORIGINAL });
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:write_file') }).run(id), Crash);
    await writeFile(join(h.workspace, 'src/f.ts'), THEIRS_ELSEWHERE);
    const gate = new ScriptedGate();
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    const expected = OURS.replace('return 3;', 'return 3; // tuned by hand');
    assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), expected);
    const w1 = results(await h.events(id)).find((r) => r.callId === 'w1');
    assert.equal(w1?.recovered, 'applied');
    assert.deepEqual(w1?.merged, [{ path: 'src/f.ts', beforeHash: hashBytes(new TextEncoder().encode(THEIRS_ELSEWHERE)), afterHash: hashBytes(new TextEncoder().encode(expected)) }]);
    const last = buildFileHistory(await readJournal(h.store, id)).lastState().get('src/f.ts');
    assert.equal(last?.hash, hashBytes(new TextEncoder().encode(expected)));
    assert.deepEqual(h.server.duplicateTurns(), []);
  });

  describe('an approved edit_file whose lines or file changed while the user decided', () => {
    const EDIT = () => [toolUse('e1', 'edit_file', { path: 'src/f.ts', old_text: 'return 1;', new_text: 'return 100;' }), finalText('done', { toolResultFor: 'e1' })];
    async function parkEdit(outside: string | null) {
      h = await harness(EDIT(), { 'src/f.ts': ORIGINAL });
      const id = await h.start(h.runner());
      assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
      if (outside === null) await rm(join(h.workspace, 'src/f.ts'));
      else await writeFile(join(h.workspace, 'src/f.ts'), outside);
      return id;
    }

    it('the same lines changed: the user is asked (not the model told old_text is gone), and a rejection keeps their version', async () => {
      const id = await parkEdit(THEIRS_SAME);
      const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject', text: 'keep mine' } : { decision: 'approve' }));
      assert.equal((await h.runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['tool', 'conflict']);
      assert.match(gate.asked[1]?.reasons.join(' ') ?? '', /both changed the same lines \(lines 2-2\)/);
      assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), THEIRS_SAME);
      const e1 = results(await h.events(id)).find((r) => r.callId === 'e1');
      assert.match(e1?.content ?? '', /changed outside the session .* the user chose not to apply it\. Feedback: keep mine/);
      assert.doesNotMatch(e1?.content ?? '', /old_text/);
    });

    it('the file replaced by a symlink to another file: the user is asked, never merged into that file unasked', async () => {
      h = await harness(EDIT(), { 'src/f.ts': ORIGINAL, 'src/g.ts': THEIRS_ELSEWHERE });
      const id = await h.start(h.runner());
      assert.equal((await h.runner(new ScriptedGate(() => 'park')).run(id)).status, 'waiting');
      await rm(join(h.workspace, 'src/f.ts'));
      await symlink('g.ts', join(h.workspace, 'src/f.ts'));
      const gate = new ScriptedGate((r) => (r.kind === 'conflict' ? { decision: 'reject', text: 'no' } : { decision: 'approve' }));
      assert.equal((await h.runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['tool', 'conflict']);
      assert.match(gate.asked[1]?.reasons.join(' ') ?? '', /src\/f\.ts is a symlink now \(to src\/g\.ts\)/);
      assert.equal(await readFile(join(h.workspace, 'src/g.ts'), 'utf8'), THEIRS_ELSEWHERE, 'the other file is untouched');
    });

    it('the file deleted: the user is asked, and approving writes the version they approved', async () => {
      const id = await parkEdit(null);
      const gate = new ScriptedGate();
      assert.equal((await h.runner(gate).run(id)).status, 'completed');
      assert.deepEqual(gate.asked.map((a) => a.kind), ['tool', 'conflict']);
      assert.match(gate.asked[1]?.reasons.join(' ') ?? '', /the file is gone/);
      assert.equal(await readFile(join(h.workspace, 'src/f.ts'), 'utf8'), OURS);
    });
  });

  it('a proposed change to a binary file is shown by size and hash, never decoded into the approval', async () => {
    h = await harness([toolUse('w1', 'write_file', { path: 'logo.bin', content: 'now text' }), finalText('done', { toolResultFor: 'w1' })], {});
    await writeFile(join(h.workspace, 'logo.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    const gate = new ScriptedGate();
    const id = await h.start(h.runner());
    assert.equal((await h.runner(gate).run(id)).status, 'completed');
    const diff = (await h.events(id)).flatMap((e) => (e.type === 'approval_requested' ? [e.data.diff ?? ''] : []))[0] ?? '';
    assert.match(diff, /^logo\.bin \(binary\): 7 bytes, sha256 [0-9a-f]{12} -> 8 bytes, sha256 [0-9a-f]{12}$/m);
    assert.doesNotMatch(diff, /PNG/);
  });
});

describe('mergeStale: the bytes of a clean merge', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const withBom = (s: string) => new Uint8Array(Buffer.concat([BOM, Buffer.from(s)]));

  it('keeps a UTF-8 byte-order mark that every side has', async () => {
    const base = withBom(ORIGINAL);
    const ours = withBom(OURS);
    const blobs = new Map([
      [hashBytes(base), base],
      [hashBytes(ours), ours],
    ]);
    const out = await mergeStale({ path: 'src/f.cs', planned: { path: 'src/f.cs', beforeHash: hashBytes(base), afterHash: hashBytes(ours) }, disk: withBom(THEIRS_ELSEWHERE) }, async (h) => blobs.get(h) as Uint8Array);
    assert.ok('merged' in out, 'the merge is clean');
    assert.deepEqual(Buffer.from(out.merged), Buffer.from(withBom(OURS.replace('return 3;', 'return 3; // tuned by hand'))));
  });
});
