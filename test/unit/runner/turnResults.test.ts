import assert from 'node:assert/strict';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { SessionJournal } from '../../../src/core/runner/sessionJournal';
import type { StepInput } from '../../../src/core/scripted/scenario';
import type { BlobHash } from '../../../src/core/store/types';
import { text } from '../builders';
import { finalText, harnessPerTest } from './runnerHarness';

/** A 1,900-line file of 96,900 characters: under read_file's 100 KB, so one read shows all of it. */
const bigFile = (n: number): string => Array.from({ length: 1900 }, (_, i) => `export const value_${n}_${String(i).padStart(5, '0')} = ${String(i * 7919).padStart(12, '0')}; // kept`).join('\n') + '\n';

const FILES = Object.fromEntries(Array.from({ length: 9 }, (_, n) => [`src/f${n}.ts`, bigFile(n)]));

/** One turn that reads all nine files at once, as a model does to get to know a module. */
const readAll: StepInput = {
  type: 'message',
  content: [{ type: 'text', text: 'Reading the whole module.' }, ...Object.keys(FILES).map((path, n) => ({ type: 'tool_use' as const, id: `r${n}`, name: 'read_file', input: { path } }))],
};

/** The request's size as compaction estimates it (4 characters a token), plus the room its answer takes. */
function requestTokens(body: unknown): number {
  const b = body as { system?: unknown; messages: unknown; tools?: unknown; max_tokens: number };
  return Math.ceil((JSON.stringify(b.system ?? '').length + JSON.stringify(b.messages).length + JSON.stringify(b.tools ?? []).length) / 4) + b.max_tokens;
}

describe('the results of one turn together fit the context window', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('nine reads of 96,900 characters in one turn: the next request fits the 200,000-token window, each result says it was cut and read_output reads the rest', async () => {
    const h = await harness([readAll, finalText('done')], FILES);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    assert.deepEqual(h.server.violations(), []);
    const second = h.server.requests()[1];
    assert.ok(second, 'the results went back to the model');
    const tokens = requestTokens(second.body);
    assert.ok(tokens <= 200_000, `the request after the reads is ~${tokens} tokens with its max_tokens: over the model's window of 200,000`);
    const results = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
    assert.equal(results.length, 9);
    const j = await SessionJournal.open(h.store, id);
    for (const [n, r] of results.entries()) {
      assert.equal(r.isError, false);
      assert.match(r.content, /too long together for the model's context window/, `result ${n} says why it was cut`);
      assert.match(r.content, new RegExp(`read_output with call_id "r${n}"`), `result ${n} says how to read the rest`);
      const kept = j.state.outputs[`r${n}`];
      assert.ok(kept, `the whole of result ${n} is kept`);
      const whole = text(await h.store.getBlob(kept as BlobHash));
      assert.equal(whole, FILES[`src/f${n}.ts`], 'the kept output is what the read showed');
      const shown = r.content.slice(0, r.content.indexOf('\n[The results of this turn'));
      assert.ok(whole.startsWith(shown) && shown.length > 20_000, 'the model got the beginning of it');
      const offset = Number(/from offset (\d+)/.exec(r.content)?.[1]);
      assert.equal(offset, Buffer.byteLength(shown), 'the offset given is where what it got ends');
    }
  });

  it('one read of 96,900 characters alone in its turn is sent whole', async () => {
    const one: StepInput = { type: 'message', content: [{ type: 'tool_use', id: 'r0', name: 'read_file', input: { path: 'src/f0.ts' } }] };
    const h = await harness([one, finalText('done', { toolResultFor: 'r0' })], FILES);
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const [r] = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
    assert.equal(r?.content, FILES['src/f0.ts']);
  });
});
