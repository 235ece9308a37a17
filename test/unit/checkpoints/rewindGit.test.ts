import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { repoChangingGit, repoCommandsAfter } from '../../../src/core/checkpoints/repoCommands';
import { forkedMessage, gitNote, rewindQuestion, rewoundMessage } from '../../../src/core/checkpoints/rewindWords';
import { forkSession } from '../../../src/core/checkpoints/fork';
import { commandSession, keptSessions } from './helpers/commandSession';

const sh = promisify(execFile);
const GIT = 'git -c user.email=t@t -c user.name=t';

/** Which git commands of a command line changed the repository: what a rewind, which never touches .git, leaves done. */
describe('the git commands that changed the repository', () => {
  const cases: [string, string[]][] = [
    ['git status && git log --oneline && git diff', []],
    [`git add -A && ${GIT} commit -qm "fix; the parser"`, ['git add', 'git commit']],
    ['cd pkg && git -C . --no-pager checkout -b feat', ['git checkout']],
    ['GIT_AUTHOR_NAME=x /usr/bin/git commit -m x', ['git commit']],
    ['(git stash) ; git stash list ; git stash show -p', ['git stash']],
    ['git branch && git branch -a && git branch --list "f*" && git branch --contains HEAD', []],
    ['git branch feat', ['git branch']],
    ['git branch -D old', ['git branch']],
    ['git tag && git tag -l && git tag -n5', []],
    ['git tag -a v1 -m one', ['git tag']],
    ['git restore a.ts', []],
    ['git restore --staged a.ts', ['git restore']],
    ['echo git commit', []],
    ['git commit -m x && git commit --amend -m y && git push origin main', ['git commit', 'git push']],
    ['git fetch && git pull --rebase', ['git pull']],
    // Git run through a shell, xargs, eval or a wrapper with options: the git the shell runs in the end.
    [`sh -c '${GIT} commit -qm "a; b"'`, ['git commit']],
    [`bash -lc "git add . && git commit -m y"`, ['git add', 'git commit']],
    [`bash -o pipefail -ec 'cd sub && git checkout -b x'`, ['git checkout']],
    [`sh -c "sh -c 'git stash'"`, ['git stash']],
    ['git ls-files -m | xargs git add', ['git add']],
    ['find . -name "*.orig" -print0 | xargs -0 -n 1 -I{} git rm {}', ['git rm']],
    ['xargs -a list.txt -P 4 git add', ['git add']],
    ['env FOO=1 git commit -m x', ['git commit']],
    ['env -u HOME -C sub GIT_EDITOR=true git merge main', ['git merge']],
    ['/usr/bin/env git commit -m x', ['git commit']],
    ['sudo -u bob git commit -m x', ['git commit']],
    ['nice -n 5 timeout -s KILL 10 git push', ['git push']],
    ['eval "git commit -m x"', ['git commit']],
    ['if true; then git commit -m x; fi', ['git commit']],
    ['for f in a b; do git add "$f"; done', ['git add']],
    ['{ git add a; } && (cd sub && git stash)', ['git add', 'git stash']],
    ['echo $(git stash) `git commit -m x`', ['git stash', 'git commit']],
    ['git -C dir commit -m x', ['git commit']],
    ['command git commit -m x', ['git commit']],
    ['time -p git commit -m x', ['git commit']],
    // Read-only git stays unsaid however it is run; words that only name git run nothing.
    [`sh -c 'git log' && bash -c "git status; git diff" && xargs git show && eval "git branch -a"`, []],
    ['command -v git && type git && which git && man git-commit', []],
    [`echo "sh -c 'git commit'" && grep -r "git commit" . && sh -c "echo git commit"`, []],
    ['timeout 10 git log && sudo -u bob git status && nice -n 5 git diff', []],
    ['sh ./release.sh && bash -x scripts/tag.sh', []],
  ];
  for (const [line, want] of cases) it(line, () => assert.deepEqual(repoChangingGit(line), want));
});

/**
 * A rewind gives back files only. Past steps that committed and made a branch, the question and the
 * outcome said nothing of it: the user rewound to "before the commit" and found it still there.
 */
describe('a rewind past git commands, in a real repository', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  const session = () =>
    commandSession(
      ["printf 'one\\n' > a.txt", `git add a.txt && ${GIT} commit -qm one`, 'git --no-pager log --oneline', "git checkout -qb feature && printf 'two\\n' > a.txt", `${GIT} stash -q && git stash list`],
      {
        prepare: async (ws) => {
          await writeFile(join(ws, 'a.txt'), 'zero\n');
          await sh('sh', ['-c', `git init -q -b main && git add a.txt && ${GIT} commit -qm zero`], { cwd: ws });
        },
        keep,
      },
    );

  it('the question and the outcome name the steps that changed the repository, and say git is not rewound', async () => {
    const s = await session();
    // Before the session: a.txt back to "zero" (the stash of step 5 had left it as committed, "one").
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    const git = await repoCommandsAfter(s.h.store, s.id, plan.targetStep);
    assert.deepEqual(git, [
      { step: 2, commands: ['git add', 'git commit'] },
      { step: 4, commands: ['git checkout'] },
      { step: 5, commands: ['git stash'] },
    ]);
    const changes = plan.files.filter((f) => f.action !== 'none');
    assert.equal(
      rewindQuestion('files', 0, changes, { git }),
      'Savepoint: rewind to before the session? 1 file will change; only files this session touched, and a safety checkpoint lets you undo it. Step 2 ran git add and git commit, step 4 ran git checkout, step 5 ran git stash: commits, branches, the index and stashes are not rewound, only files.',
    );
    const r = await applyRewind(s.h.store, s.ws, plan);
    assert.equal(
      rewoundMessage(plan, r, git).text,
      'Savepoint: rewound 1 file. Step 2 ran git add and git commit, step 4 ran git checkout, step 5 ran git stash: commits, branches, the index and stashes are not rewound, only files. Undo it now or later with Savepoint: Undo a Rewind.',
    );
    // As said: the commit, the branch and the stash are all still there.
    assert.equal((await sh('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: s.h.workspace })).stdout.trim(), 'feature');
    assert.equal((await sh('git', ['stash', 'list'], { cwd: s.h.workspace })).stdout.split('\n').filter(Boolean).length, 1);
  });

  it('a fork from before the git commands says that it takes back neither files nor git', async () => {
    const s = await session();
    const fork = await forkSession(s.h.store, s.id, 1);
    const git = await repoCommandsAfter(s.h.store, s.id, fork.parent?.step ?? 1);
    assert.equal(
      forkedMessage(fork.title, 1, 1, git),
      `Savepoint: new session "${fork.title}" forked from step 1; the original is unchanged. Step 2 ran git add and git commit, step 4 ran git checkout, step 5 ran git stash: a fork takes back neither files nor git (the new session starts with the files, commits, branches, the index and stashes as they are now).`,
    );
    assert.equal(forkedMessage(fork.title, 5, 5, await repoCommandsAfter(s.h.store, s.id, 5)), `Savepoint: new session "${fork.title}" forked from step 5; the original is unchanged.`);
  });

  it('a conversation-only rewind (a fork) says it too: the files and git stay as they are', async () => {
    const s = await session();
    const plan = await planRewind(s.h.store, s.ws, s.id, 1, { mode: 'conversation' });
    const git = await repoCommandsAfter(s.h.store, s.id, plan.targetStep);
    const note = 'Step 2 ran git add and git commit, step 4 ran git checkout, step 5 ran git stash: a fork takes back neither files nor git (the new session starts with the files, commits, branches, the index and stashes as they are now).';
    assert.equal(rewindQuestion('conversation', 1, [], { git }), `Savepoint: rewind the conversation to step 1? A new session goes on from step 1; this session and the files stay as they are. ${note}`);
    const r = await applyRewind(s.h.store, s.ws, plan, { message: 'go on' });
    assert.match(rewoundMessage(plan, r, git).text, new RegExp(`paused until you resume it \\(Resume It, or from the sidebar\\)\\. ${note.replace(/[()]/g, '\\$&')}$`));
  });

  it('only the steps taken back; none after the target: no extra words', async () => {
    const s = await session();
    assert.deepEqual(await repoCommandsAfter(s.h.store, s.id, 4), [{ step: 5, commands: ['git stash'] }]);
    assert.deepEqual(await repoCommandsAfter(s.h.store, s.id, 5), []);
    assert.equal(gitNote([]), '');
    assert.equal(rewindQuestion('files', 5, [], { git: [] }), rewindQuestion('files', 5, []));
  });

  it('more steps than it names, and a push: counted, and the push said to stay', () => {
    const steps = [2, 3, 4, 5, 6].map((step) => ({ step, commands: step === 6 ? ['git push'] : ['git commit'] }));
    assert.equal(gitNote(steps), 'step 2 ran git commit, step 3 ran git commit, step 4 ran git commit, and 2 more steps ran git commands too: commits, branches, the index and stashes are not rewound, only files, and what was pushed stays on the remote');
  });
});
