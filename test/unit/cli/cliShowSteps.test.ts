import assert from 'node:assert/strict';
import { textStep, toolStep } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

/** The step numbers of the timeline lines `show` printed ("  12 10:31:02 step   3  ..."). */
const stepsIn = (stdout: string): number[] => [...new Set([...stdout.matchAll(/^ *\d+ \d\d:\d\d:\d\d step +(\d+) /gm)].map((m) => Number(m[1])))];

/**
 * `show SESSION STEPS`: a session of an hour has a thousand steps and more, and its whole timeline
 * (ten thousand lines) was the only thing `show` could print.
 */
describe('CLI: show some steps of a session', function () {
  this.timeout(60_000);
  const scratch = cliScratch('sp-cli-show-steps-');

  it('prints one step, a range, or from a step to the end, with what the agent said; refuses steps it cannot show', async () => {
    const { cli } = await scratch([
      toolStep([{ id: 'toolu_1', name: 'list_files', input: { path: '.' } }], { text: 'First, a look.' }),
      toolStep([{ id: 'toolu_2', name: 'write_file', input: { path: 'a.txt', content: 'one\n' } }], { text: 'Writing a.' }),
      toolStep([{ id: 'toolu_3', name: 'write_file', input: { path: 'b.txt', content: 'two\n' } }], { text: 'Writing b.' }),
      textStep('All done.'),
    ]);
    const run = await cli('run', '--approvals', 'yes', 'write two files');
    const id = /session (\S+)/.exec(run.stderr)?.[1];
    assert.ok(id);
    const whole = (await cli('show', id)).stdout;
    assert.deepEqual(stepsIn(whole), [0, 1, 2, 3, 4]);
    const header = whole.split('\n')[0] as string;

    const two = (await cli('show', id, '2')).stdout;
    assert.equal(two.split('\n')[0], header, 'the session\'s row first, as without STEPS');
    assert.deepEqual(stepsIn(two), [2]);
    assert.match(two, /> Writing a\./);
    assert.doesNotMatch(two, /First, a look|Writing b|All done/);
    // The same lines as in the whole timeline, not others.
    for (const line of two.split('\n').slice(1).filter(Boolean)) assert.ok(whole.includes(line), line);

    assert.deepEqual(stepsIn((await cli('show', id, '1-2')).stdout), [1, 2]);
    const fromThree = (await cli('show', id, '3-')).stdout;
    assert.deepEqual(stepsIn(fromThree), [3, 4]);
    assert.match(fromThree, /> All done\./);
    assert.deepEqual(stepsIn((await cli('show', id, '0')).stdout), [0]);

    // Refused: not steps (exit 2), backwards (exit 2), past the session's end (exit 1), each saying why.
    await assert.rejects(cli('show', id, 'two'), (e: { code: number; stderr: string }) => e.code === 2 && /show takes a step \(14\), steps FROM-TO \(10-20\) or FROM- \(1400-: to the end\), got "two"/.test(e.stderr));
    await assert.rejects(cli('show', id, '3-1'), (e: { code: number; stderr: string }) => e.code === 2 && /steps 3-1 end before they begin/.test(e.stderr));
    await assert.rejects(cli('show', id, '9-'), (e: { code: number; stderr: string }) => e.code === 1 && new RegExp(`steps 9-: nothing recorded in session ${id} \\(steps 0\\.\\.4\\)`).test(e.stderr));
    await assert.rejects(cli('show', id, '7'), (e: { code: number; stderr: string }) => e.code === 1 && /step 7: nothing recorded/.test(e.stderr));
    await assert.rejects(cli('show', id, '1', '2'), (e: { code: number; stderr: string }) => e.code === 2 && /show takes SESSION \[STEPS\]; left over: "2"/.test(e.stderr));
  });
});
