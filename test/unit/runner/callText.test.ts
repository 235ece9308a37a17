import assert from 'node:assert/strict';
import { callText } from '../../../src/core/runner/callText';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import type { ToolEntry } from '../../../src/shared/timeline';
import { finalText, harnessPerTest, toolUse } from './runnerHarness';

/** 96,900 characters: one read shows all of it, the sidebar 8,000. */
const BIG = Array.from({ length: 1900 }, (_, i) => `export const value_${String(i).padStart(5, '0')} = ${String(i * 7919).padStart(12, '0')}; // kept!`).join('\n') + '\n';

describe('a call shown in full: what the sidebar cuts can be opened whole', function () {
  this.timeout(30_000);
  const harness = harnessPerTest();

  it('a long read and a command printing 2 MB: the sidebar has the first 8,000 characters, the call text has all of the result and the whole output', async () => {
    const h = await harness(
      [toolUse('r1', 'read_file', { path: 'big.ts' }), toolUse('c1', 'run_command', { command: 'seq 1 300000' }, { toolResultFor: 'r1' }), finalText('done', { toolResultFor: 'c1' })],
      { 'big.ts': BIG },
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const loader = new TimelineViewLoader(h.store, id);
    await loader.catchUp();
    const read = loader.state.entries.get('tool:r1') as ToolEntry;
    assert.ok(read.result && read.result.full === BIG.length && read.result.text.length < BIG.length, 'the sidebar has the read cut');

    const readText = (await callText(h.store, id, 'r1')) ?? '';
    assert.ok(readText.startsWith(`read_file call r1 at step 1 of session ${id}`), readText.slice(0, 200));
    assert.ok(readText.includes('"path": "big.ts"'), 'the input');
    assert.ok(readText.includes(`Result, as the model got it:\n${BIG}`), 'the whole result');

    const result = (await h.events(id)).flatMap((e) => (e.type === 'tool_result' && e.data.callId === 'c1' ? [e.data as ToolResultData] : []))[0];
    assert.ok(result?.outputBlob, 'the command output was cut for the model and kept');
    const whole = Array.from({ length: 300_000 }, (_, i) => String(i + 1)).join('\n');
    const commandText = (await callText(h.store, id, 'c1')) ?? '';
    assert.ok(commandText.includes(`Result, as the model got it:\n${result.content}\n`), 'the result the model got');
    assert.ok(commandText.includes(whole), 'and the whole output it was cut from');
    const size = (whole.length + 1).toLocaleString('en-US');
    assert.ok(commandText.includes(`The whole output (${size} bytes), which the result above was cut from:`), 'said as the whole output');

    const shortened = await callText(h.store, id, 'c1', 1000);
    assert.ok(shortened?.includes(`The whole output (${size} bytes; its first 1,000 are shown)`), 'an output past the limit says how much of it is shown');
    assert.equal(await callText(h.store, id, 'nope'), undefined);
  });
});
