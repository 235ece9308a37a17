import assert from 'node:assert/strict';
import { StreamedText } from '../../../src/cli/agentText';
import { agentSaid } from '../../../src/shared/agentText';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { textStep, toolStep } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

const turn = (n: number) => ({ type: 'model_turn', data: { turn: n } }) as unknown as RunnerEvent;
const describe_ = (e: RunnerEvent) => `[${e.type}]`;

/**
 * What the agent says (its text beside its tool calls, its final answer) is printed under its turn
 * by `run` and `resume`, and by `show` for a past session. Before, the CLI printed only "model turn 5:
 * no tool call": the answer the session ended with was seen nowhere.
 */
describe('CLI: what the agent says', () => {
  const scratch = cliScratch('sp-cli-said-');

  it('run prints each turn\'s text under it, and show prints it for the session later', async () => {
    const { cli } = await scratch([
      toolStep([{ id: 'toolu_1', name: 'list_files', input: { path: '.' } }], { text: 'Let me see what is here.' }),
      textStep('Done: the workspace is empty.\nNothing to change.'),
    ]);
    const run = await cli('run', '--approvals', 'yes', 'look around');
    assert.match(run.stderr, /model turn 1 \[[^\]]+\]: list_files;[^\n]*\n {2}> Let me see what is here\.\n/);
    assert.match(run.stderr, /model turn 2 \[[^\]]+\]: no tool call;[^\n]*\n {2}> Done: the workspace is empty\.\n {2}> Nothing to change\.\n/);
    const id = /session (\S+)/.exec(run.stderr)?.[1];
    assert.ok(id);
    const show = await cli('show', id);
    assert.match(show.stdout, /model turn 2 [^\n]*\n {8}> Done: the workspace is empty\.\n {8}> Nothing to change\.\n/);
  });

  it('streams: a retry starts the answer over, a compaction summary is not said, each turn takes its own text', () => {
    const t = new StreamedText();
    t.onModel('s', { type: 'text', delta: 'I will ed' });
    t.onModel('s', { type: 'retry', model: 'm', attempt: 1, delayMs: 0, reason: 'connection reset', code: 'NETWORK' });
    t.onModel('s', { type: 'text', delta: 'I will edit ' });
    t.onModel('other', { type: 'text', delta: 'Another session.' });
    t.onModel('s', { type: 'text', delta: 'a.ts.' });
    assert.deepEqual(t.lines('s', [turn(1)], describe_), ['[model_turn]', '  > I will edit a.ts.']);
    t.onModel('s', { type: 'text', delta: 'Summary of the session so far' });
    assert.deepEqual(t.lines('s', [{ type: 'compacted', data: {} } as unknown as RunnerEvent, turn(2)], describe_), ['[compacted]', '[model_turn]']);
    assert.deepEqual(t.lines('other', [turn(1)], describe_), ['[model_turn]', '  > Another session.']);
  });

  it('shows control characters in the text by their code: the model cannot recolour or rewrite the terminal', () => {
    assert.equal(agentSaid('ok \u001b[2J\u001b[31mred\rover'), '  > ok \\u{1B}[2J\\u{1B}[31mred\\u{D}over');
    assert.equal(agentSaid('  \n '), '');
  });
});
