import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

/** Three reads of 200,000 tokens each ($0.615 a turn at Sonnet's price), then the answer. */
const STEPS = (): StepInput[] => {
  const usage = { input_tokens: 200_000, output_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const read = (id: string, path: string, after?: string): StepInput => ({ type: 'message', content: [{ type: 'tool_use', id, name: 'read_file', input: { path } }], usage, ...(after ? { expect: { toolResultFor: after } } : {}) });
  return [read('r1', 'a.txt'), read('r2', 'b.txt', 'r1'), read('r3', 'c.txt', 'r2'), { type: 'message', content: [{ type: 'text', text: 'done' }], usage, expect: { toolResultFor: 'r3' } }];
};

type Exit = { code?: number; stdout: string; stderr: string };
const outcome = (r: Exit) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { status: string; sessionId: string };

describe('savepoint resume with a budget option, on a session its budget stopped (child process)', function () {
  this.timeout(120_000);
  const scratch = cliScratch('savepoint-cli-resume-budget-');

  it('--max-cost on the resume sets the limit at the budget question and goes on from there, each call run once', async () => {
    const s = await scratch(STEPS());
    for (const f of ['a', 'b', 'c']) await writeFile(join(s.ws, `${f}.txt`), `${f}\n`);
    const started: Exit = await s.cli('run', '--approvals', 'park', '--max-cost', '1', 'read the files').catch((e: Exit) => e);
    assert.equal(started.code, 4, started.stderr);
    const id = outcome(started).sessionId;
    const resumed: Exit = await s.cli('resume', id, '--approvals', 'park', '--max-cost', '10').catch((e: Exit) => e);
    assert.equal(outcome(resumed).status, 'completed', `the $10 given to the resume was not used:\n${resumed.stderr}`);
    assert.match(resumed.stderr, /budgets → \$10\.00/);
    assert.equal(s.server.requestCount(), 4, 'each model turn asked once');
    const shown = (await s.cli('show', id)).stdout;
    assert.equal(shown.match(/start r[123]/g)?.length, 3, `each read ran once:\n${shown}`);
  });

  it('--max-steps on the resume of a session not stopped by a budget is named as not used, not dropped without a word', async () => {
    const s = await scratch(STEPS());
    for (const f of ['a', 'b', 'c']) await writeFile(join(s.ws, `${f}.txt`), `${f}\n`);
    const started: Exit = await s.cli('run', '--approvals', 'park', '--max-cost', '1', 'read the files').catch((e: Exit) => e);
    const id = outcome(started).sessionId;
    await s.cli('approve', id, '--reject', 'enough').catch((e: Exit) => e);
    const resumed: Exit = await s.cli('resume', id, '--approvals', 'park', '--max-steps', '50').catch((e: Exit) => e);
    assert.match(resumed.stderr, /--max-steps is not used/);
  });
});
