import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { cliScratch } from './cliChild';

const sh = promisify(execFile);
const GIT = 'git -c user.email=t@t -c user.name=t';

/** Step 1 checks out the branch "big", which has 40 more files than main. */
const STEPS = (): StepInput[] => [
  { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'git checkout -q big' } }] },
  { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c1' } },
];

/** The file rows of a preview: an action, then the path. */
const rows = (stdout: string) => stdout.split('\n').filter((l) => /^(restore|delete|create|keep)\s/.test(l));

/**
 * After a step that checked out a branch with thousands of files, `savepoint rewind`'s preview
 * printed every one of them (the editor's names at most 24 and counts the rest): the few that needed
 * a look (edited outside the session) were lost in the scroll.
 */
describe('savepoint rewind: the preview of a big rewind', function () {
  this.timeout(90_000);
  const make = cliScratch('savepoint-clibig-');

  it("names at most 24 files (those edited outside the session first) and counts the rest, the undo's preview too; --all lists every file", async () => {
    const s = await make(STEPS());
    await writeFile(join(s.ws, 'a.txt'), 'a\n');
    const files = Array.from({ length: 40 }, (_, i) => `f${String(i + 1).padStart(2, '0')}.txt`);
    await sh('sh', ['-c', `git init -q -b main && git add a.txt && ${GIT} commit -qm main && git checkout -qb big && for f in ${files.join(' ')}; do echo $f > $f; done && git add . && ${GIT} commit -qm big && git checkout -q main`], { cwd: s.ws });
    const run = await s.cli('run', '--approvals', 'yes', 'check out big');
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    // The user edits the last file afterwards: it needs a look, and is named first.
    await writeFile(join(s.ws, 'f40.txt'), 'mine\n');

    const preview = await s.cli('rewind', id, '0');
    const named = rows(preview.stdout);
    assert.equal(named.length, 23, preview.stdout);
    assert.match(named[0] as string, /^delete\s+f01\.txt$/);
    assert.ok(named.some((l) => /^delete\s+f40\.txt\s+\(edited outside the session: kept unless --overwrite\)$/.test(l)), preview.stdout);
    assert.ok(preview.stdout.split('\n').includes('… and 17 more files (17 delete): add --all to list every file'), preview.stdout);
    assert.match(preview.stdout, /nothing written: add --yes/);

    const all = await s.cli('rewind', id, '0', '--all');
    assert.deepEqual(rows(all.stdout).map((l) => l.split(/\s+/)[1]), files);
    assert.doesNotMatch(all.stdout, /more files/);

    // The undo's preview too.
    await s.cli('rewind', id, '0', '--yes');
    const undo = await s.cli('undo-rewind', id);
    assert.equal(rows(undo.stdout).length, 23, undo.stdout);
    assert.ok(undo.stdout.split('\n').includes('… and 16 more files (16 create): add --all to list every file'), undo.stdout);
    assert.equal(rows((await s.cli('undo-rewind', id, '--all')).stdout).length, 39);

    const help = await s.cli('--help');
    assert.match(help.stdout, /--all/);
  });

  it('after the rewind, names at most 10 of the folders it removed and counts the rest', async () => {
    const s = await make([
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'for i in $(seq 10 24); do mkdir d$i && echo $i > d$i/f.txt; done' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c1' } },
    ]);
    const run = await s.cli('run', '--approvals', 'yes', 'make folders');
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    const done = await s.cli('rewind', id, '0', '--yes');
    assert.equal(rows(done.stdout).length, 15, done.stdout);
    assert.match(done.stdout, /^rewound 15 files; removed the folders it emptied that the session had made: d10, d11, d12, d13, d14, d15, d16, d17, d18, d19 and 5 more$/m, done.stdout);
  });

  it('the undo of an earlier rewind names at most 10 of the files a later rewind wrote again, and counts the rest; --all lists them', async () => {
    const s = await make([
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'for i in $(seq 10 39); do echo $i > f$i.txt; done' } }] },
      { type: 'message', content: [{ type: 'tool_use', id: 'c2', name: 'run_command', input: { command: 'echo x > x.txt' } }], expect: { toolResultFor: 'c1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'c2' } },
    ]);
    const run = await s.cli('run', '--approvals', 'yes', 'make files');
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    // Rewind A deletes the 31 files; rewind B writes the 30 of step 1 again.
    const a = /undo: savepoint undo-rewind \S+ (\S+) --yes/.exec((await s.cli('rewind', id, '0', '--yes')).stdout)?.[1];
    assert.ok(a);
    await s.cli('rewind', id, '1', '--yes');
    const undo = await s.cli('undo-rewind', id, a);
    const later = undo.stdout.split('\n').filter((l) => l.startsWith('  later'));
    assert.equal(later.length, 11, undo.stdout);
    assert.equal(later[10], '  later  … and 20 more files: rewound again by the rewind to step 1; undo that one first, then this undo gives them back (--all lists them)');
    assert.match(undo.stdout, /^create\s+x\.txt$/m);
    assert.equal((await s.cli('undo-rewind', id, a, '--all')).stdout.split('\n').filter((l) => l.startsWith('  later')).length, 30);
  });
});
