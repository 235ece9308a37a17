import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { finalText } from './runnerHarness';
import { type KillDir, journalOf, killDir, removeKillDir, runApprovalChild } from './approvalKill';

/** One turn of three calls: a command (asks), a read (auto), a second command (asks); then the answer. */
const TURN = () => [
  {
    type: 'message' as const,
    content: [
      { type: 'text' as const, text: 'three calls' },
      { type: 'tool_use' as const, id: 'c1', name: 'run_command', input: { command: 'echo one >> log.txt' } },
      { type: 'tool_use' as const, id: 'r1', name: 'read_file', input: { path: 'a.txt' } },
      { type: 'tool_use' as const, id: 'c2', name: 'run_command', input: { command: 'echo two >> log.txt' } },
    ],
  },
  finalText('done', { toolResultFor: 'c2' }),
];

const results = async (d: KillDir): Promise<ToolResultData[]> => (await journalOf(d)).flatMap((e) => (e.type === 'tool_result' ? [e.data] : []));
const log = (d: KillDir) => readFile(join(d.ws, 'log.txt'), 'utf8').catch(() => '');

describe('a decision SIGKILLed before its call starts (several calls in one turn, some asking)', function () {
  this.timeout(60_000);
  let d: KillDir | undefined;
  afterEach(async () => removeKillDir(d));

  it('killed right after the question is journaled: asked again with the same id on resume, nothing ran before the answer', async () => {
    d = await killDir(TURN(), { 'a.txt': 'hello\n' });
    const first = await runApprovalChild(d, 'after:approval_requested');
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.equal(await log(d), '');
    const id = (await journalOf(d)).flatMap((e) => (e.type === 'approval_requested' ? [e.data.approvalId] : []))[0];
    const second = await runApprovalChild(d, 'none');
    assert.equal(second.status, 'completed', second.stderr);
    assert.equal(second.asked[0], `${id} tool`);
    assert.equal(await log(d), 'one\ntwo\n');
  });

  for (const [name, answer, expectLog, expectC1] of [
    ['approve', { decision: 'approve' }, 'one\ntwo\n', /Exit code 0/],
    ['edit', { decision: 'edit', input: { command: 'echo edited >> log.txt' } }, 'edited\ntwo\n', /Exit code 0/],
    ['reject', { decision: 'reject', text: 'no' }, 'two\n', /rejected.*no/],
    ['respond', { decision: 'respond', text: 'I did it by hand' }, 'two\n', /I did it by hand/],
  ] as const) {
    it(`'${name}' journaled, then SIGKILL before the call starts: not asked again, ${name === 'reject' || name === 'respond' ? 'the call never runs' : 'it runs exactly once'}, the turn's other calls run once`, async () => {
      d = await killDir(TURN(), { 'a.txt': 'hello\n' });
      const first = await runApprovalChild(d, 'after:approval_decided', { 'tool:c1': answer });
      assert.equal(first.signal, 'SIGKILL', first.stderr);
      assert.equal(await log(d), '', 'nothing ran before the kill');
      // The resumed process parks c1's question if it is asked again.
      const second = await runApprovalChild(d, 'none', { 'tool:c1': 'park' });
      assert.equal(second.status, 'completed', `${second.stderr} asked: ${second.asked.join(', ')}`);
      assert.deepEqual(second.asked.map((a) => a.split(':')[1]), ['c2'], 'only c2 is asked after the resume');
      assert.equal(await log(d), expectLog);
      const rs = await results(d);
      assert.deepEqual(rs.map((r) => r.callId), ['c1', 'r1', 'c2']);
      assert.match(rs[0]?.content ?? '', expectC1);
      assert.deepEqual(d.server.duplicateTurns(), []);
    });
  }
});
