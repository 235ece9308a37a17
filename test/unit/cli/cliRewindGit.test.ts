import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

const sh = promisify(execFile);
const GIT = 'git -c user.email=t@t -c user.name=t';

/** Step 1 edits a.txt; step 2 commits it; step 3 only reads the log; step 4 makes a branch and edits a.txt on it. */
const STEPS = (): StepInput[] => [
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: "printf 'one\\n' > a.txt" } }] },
  { type: 'message', content: [{ type: 'tool_use', id: 'c2', name: 'run_command', input: { command: `git add a.txt && ${GIT} commit -qm one` } }], expect: { toolResultFor: 'c1' } },
  { type: 'message', content: [{ type: 'tool_use', id: 'c3', name: 'run_command', input: { command: 'git --no-pager log --oneline' } }], expect: { toolResultFor: 'c2' } },
  { type: 'message', content: [{ type: 'tool_use', id: 'c4', name: 'run_command', input: { command: "git checkout -qb feature && printf 'two\\n' > a.txt" } }], expect: { toolResultFor: 'c3' } },
  { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c4' } },
];

const NOTE = 'step 2 ran git add and git commit, step 4 ran git checkout: commits, branches, the index and stashes are not rewound, only files';

const FORK_NOTE = 'step 2 ran git add and git commit, step 4 ran git checkout: a fork takes back neither files nor git (the new session starts with the files, commits, branches, the index and stashes as they are now)';

/**
 * A rewind gives back files only, never the repository. Past steps that committed and switched
 * branches, the preview and the outcome said nothing of it: the user rewound to "before the commit"
 * and found the commit and the branch still there.
 */
describe('savepoint rewind past git commands', function () {
  this.timeout(90_000);
  const make = cliScratch('savepoint-cligit-');

  it('names the steps that ran git commands that changed the repository, in the preview and the outcome; nothing more when none did', async () => {
    const s = await make(STEPS());
    await sh('git', ['init', '-q', '-b', 'main'], { cwd: s.ws });
    await writeFile(join(s.ws, 'a.txt'), 'zero\n');
    await sh('sh', ['-c', `git add a.txt && ${GIT} commit -qm zero`], { cwd: s.ws });
    const run = await s.cli('run', '--approvals', 'yes', 'commit a branch');
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    assert.equal((await sh('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: s.ws })).stdout.trim(), 'feature', run.stderr);

    const preview = await s.cli('rewind', id, '1');
    assert.ok(preview.stdout.split('\n').includes(NOTE), preview.stdout);
    // Only the steps the rewind takes back: step 4's checkout, not step 2's commit.
    const later = await s.cli('rewind', id, '3');
    assert.ok(later.stdout.split('\n').includes('step 4 ran git checkout: commits, branches, the index and stashes are not rewound, only files'), later.stdout);
    // Nothing after the last step: no extra words.
    const none = await s.cli('rewind', id, '4');
    assert.doesNotMatch(none.stdout, /git|not rewound/, none.stdout);

    const done = await s.cli('rewind', id, '1', '--yes');
    // Once, with the outcome (with --yes the preview and the outcome are one output).
    assert.equal(done.stdout.split('\n').filter((l) => l === NOTE).length, 1, done.stdout);
    assert.equal(await readFile(join(s.ws, 'a.txt'), 'utf8'), 'one\n');
    // As said: the branch and the commit are still there.
    assert.equal((await sh('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: s.ws })).stdout.trim(), 'feature');
    assert.equal((await sh('git', ['log', '--format=%s'], { cwd: s.ws })).stdout, 'one\nzero\n');

    // So does a conversation-only rewind, which is a fork.
    const talk = await s.cli('rewind', id, '1', '--mode', 'conversation');
    assert.ok(talk.stdout.split('\n').includes(FORK_NOTE), talk.stdout);
    // A fork from step 1 takes back neither files nor git: said, as the rewind says it; from the last step, nothing.
    const fork = await s.cli('fork', id, '1', 'go on');
    assert.ok(fork.stdout.split('\n').includes(FORK_NOTE), fork.stdout);
    const last = await s.cli('fork', id, '4', 'go on');
    assert.doesNotMatch(last.stdout, /git/, last.stdout);
  });

  it('a file over the size limit that a checkout changed comes back from git, verified against its hash', async () => {
    const s = await make([
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'git checkout -q feature' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c1' } },
    ]);
    const main = Buffer.alloc(1_200_000, 1);
    const feature = Buffer.alloc(1_300_000, 2);
    await sh('git', ['init', '-q', '-b', 'main'], { cwd: s.ws });
    await writeFile(join(s.ws, 'big.bin'), feature);
    await sh('sh', ['-c', `git add big.bin && ${GIT} commit -qm feature && git branch feature`], { cwd: s.ws });
    await writeFile(join(s.ws, 'big.bin'), main);
    await sh('sh', ['-c', `${GIT} commit -qam main`], { cwd: s.ws });
    await mkdir(join(s.ws, '.vscode'));
    await writeFile(join(s.ws, '.vscode', 'settings.json'), '{ "savepoint.checkpoints.maxFileSizeMB": 1 }\n');
    const run = await s.cli('run', '--approvals', 'yes', 'switch to the feature branch');
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    assert.deepEqual(await readFile(join(s.ws, 'big.bin')), feature, run.stderr);
    const preview = await s.cli('rewind', id, '0');
    assert.match(preview.stdout, /^restore +big\.bin +\(contents from git: the session kept them by hash only\)$/m, preview.stdout);
    const done = await s.cli('rewind', id, '0', '--yes');
    assert.match(done.stdout, /^rewound 1 file$/m, done.stdout);
    assert.deepEqual(await readFile(join(s.ws, 'big.bin')), main);
  });
});
