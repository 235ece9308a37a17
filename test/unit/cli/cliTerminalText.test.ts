import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

/** What a terminal acts on: C0 but tab and newline, a carriage return not before a newline, DEL, C1, bidi controls. */
const RAW = /[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const KEPT = 'café 中文 👨‍👩‍👧';
/** A task that clears the screen, retitles the window, hides its start behind a carriage return and backspaces, on two lines. */
const TASK = `tidy \x1b]0;pwned\x07up\x1b[2J\rHIDDEN\b\b ${KEPT}\nsecond line`;

const scenario = (): StepInput[] => [
  {
    type: 'message',
    content: [
      { type: 'text', text: `Looking \x1b[31mred\x1b[0m ${KEPT}` },
      { type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.txt', content: `one\x1b[2Jtwo\x9b31m\n${KEPT}\n` } },
    ],
  },
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: "printf 'x\\033[2Jy\\033]0;t\\007z'" } }], expect: { toolResultFor: 'w1' } },
  { type: 'message', content: [{ type: 'tool_use', id: 'm1', name: 'remember', input: { kind: 'fact', text: `fact\x1b[2J ${KEPT}`, tags: ['build'] } }], expect: { toolResultFor: 'c1' } },
  { type: 'message', content: [{ type: 'text', text: `done\x1b]0;owned\x07 ${KEPT}` }], expect: { toolResultFor: 'm1' } },
];

const clean = (what: string, text: string) => assert.doesNotMatch(text, RAW, `${what}: ${JSON.stringify(text)}`);

describe('the savepoint CLI prints stored text (titles, model text, tool inputs, output, files, memories) inert (child process)', function () {
  this.timeout(90_000);
  const scratch = cliScratch('savepoint-cli-term-');

  it('list, show, diff, memory, fork and the run itself show control characters by their code, keep Unicode, and a title stays one row', async () => {
    const { cli } = await scratch(scenario());
    const ran = await cli('run', '--approvals', 'yes', TASK);
    clean('run stderr', ran.stderr);
    assert.ok(!ran.stderr.includes('\nsecond line'), `the task's second line stays on the started line: ${ran.stderr}`);
    const outcome = JSON.parse(ran.stdout.trim().split('\n').pop() as string) as { sessionId: string; status: string };
    assert.equal(outcome.status, 'completed', ran.stderr);
    const id = outcome.sessionId;

    const list = (await cli('list')).stdout;
    clean('list', list);
    assert.equal(list.split('\n').filter(Boolean).length, 1, `one session, one row: ${JSON.stringify(list)}`);
    // The title is the task's first line (a lone carriage return ends one too); the rest is in the task.
    assert.ok(list.includes('  tidy \\u{1B}]0;pwned\\u{7}up\\u{1B}[2J\n'), list);
    assert.ok(!list.includes('HIDDEN') && !list.includes('second line'), list);

    const show = (await cli('show', id)).stdout;
    clean('show', show);
    assert.ok(show.includes(KEPT), show);
    assert.ok(!show.includes('\nsecond line'), `the task's second line stays on its line: ${show}`);
    assert.ok(show.includes(`> Looking \\u{1B}[31mred\\u{1B}[0m ${KEPT}\n`), `what the model said, its emoji joined as written: ${show}`);
    assert.ok(ran.stderr.includes(`> done\\u{1B}]0;owned\\u{7} ${KEPT}\n`), ran.stderr);
    assert.equal(show.split('\n')[0], list.trimEnd(), 'show heads with the session row as list prints it');

    const diff = (await cli('diff', id)).stdout;
    clean('diff', diff);
    assert.ok(diff.includes('one\\u{1B}[2Jtwo\\u{9B}31m'), diff);
    assert.ok(diff.includes(`+${KEPT}\n`), diff);

    for (const args of [['memory', 'list'], ['memory', 'recall', 'fact']]) {
      const shown = (await cli(...args)).stdout;
      clean(args.join(' '), shown);
      assert.ok(shown.includes('fact\\u{1B}[2J'), `${args.join(' ')}: the memory shown by its code: ${shown}`);
    }

    const fork = (await cli('fork', id, '1', 'again')).stdout;
    clean('fork', fork);
    assert.equal(fork.split('\n').filter(Boolean).length, 2, fork);
  });

  it('an error naming stored text (the sessions an id prefix could mean) prints it inert', async () => {
    const { cli, ws } = await scratch([
      { type: 'message', content: [{ type: 'text', text: 'ok' }] },
      { type: 'message', content: [{ type: 'text', text: 'ok' }] },
    ]);
    await writeFile(join(ws, 'x.txt'), 'x\n');
    const started = async (task: string) => (JSON.parse((await cli('run', '--approvals', 'yes', task)).stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const ids = [await started(TASK), await started(`${TASK} again`)];
    let i = 0;
    while ((ids[0] as string)[i] === (ids[1] as string)[i]) i++;
    assert.ok(i >= 4, `the two ids share ${i} characters`);
    await assert.rejects(cli('show', (ids[0] as string).slice(0, i)), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 2, e.stderr);
      clean('the ambiguous prefix error', e.stderr ?? '');
      assert.equal((e.stderr ?? '').split('\n').filter(Boolean).length, 3, `its head and one row per session: ${e.stderr}`);
      return true;
    });
  });
});

describe('the outcome line of a run stays exact JSON and is inert on a terminal (child process)', function () {
  this.timeout(90_000);
  const scratch = cliScratch('savepoint-cli-json-');

  it('a reason quoting a server error with a C1 CSI and a bidi override is written with \\u escapes, and parses back to the same text', async () => {
    const message = 'bad request \x9b2J\u202eevil\u2028end';
    const { cli } = await scratch([{ type: 'error', status: 400, errorType: 'invalid_request_error', message }]);
    const failed = await cli('run', '--approvals', 'yes', 'do it').then(
      () => assert.fail('the run was expected to fail'),
      (e: { code?: number; stdout?: string }) => e,
    );
    assert.equal(failed.code, 1);
    const line = (failed.stdout ?? '').trim().split('\n').pop() as string;
    clean('the outcome line', line);
    assert.doesNotMatch(line, /[\u2028\u2029]/);
    const outcome = JSON.parse(line) as { status: string; reason?: string };
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.reason?.includes(message), `the reason as the server said it: ${JSON.stringify(outcome.reason)}`);
  });
});
