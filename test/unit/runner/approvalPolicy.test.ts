import assert from 'node:assert/strict';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy, needsApproval } from '../../../src/core/runner/approvalPolicy';

const cmd = (command: string) => needsApproval(DEFAULT_APPROVAL_POLICY, { name: 'run_command', category: 'mutate' }, { command });
const autoAll: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
const autoCmd = (command: string) => needsApproval(autoAll, { name: 'run_command', category: 'mutate' }, { command });

describe('approval policy', () => {
  it('auto-approves reads and asks for writes and commands by default', () => {
    assert.equal(needsApproval(DEFAULT_APPROVAL_POLICY, { name: 'read_file', category: 'read' }, { path: 'src/a.ts' }).ask, false);
    assert.equal(needsApproval(DEFAULT_APPROVAL_POLICY, { name: 'write_file', category: 'mutate' }, { path: 'a.ts', content: 'x' }).ask, true);
    assert.equal(cmd('npm test').ask, true);
  });

  it('always asks for destructive commands even when the category is auto', () => {
    for (const c of [
      'rm -rf build',
      'rm -r -f dist',
      'rm --recursive x',
      'git push --force origin main',
      'git push -f',
      'git reset --hard HEAD~3',
      'git clean -fdx',
      'psql -c "DROP TABLE users"',
      'sqlite3 db "delete from accounts"',
      'psql -c "truncate table logs"',
      'npm publish',
      'cargo publish --allow-dirty',
      'sudo apt-get install x',
    ]) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, `${c}: only the user may approve it (never a timeout)`);
    }
    assert.equal(cmd('npm test').always, undefined, 'asked by the category rule: a timeout may approve it');
    for (const c of ['npm test', 'git push origin feature', 'git reset --soft HEAD~1', 'rm build/a.js', 'echo drop the table']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
  });

  it('asks for a recursive delete however its options are placed: after the paths (GNU rm takes them anywhere), after other options, or by find -delete', () => {
    for (const c of ['rm build -rf', 'rm ./dist -r', 'rm -v -i -rf x', 'rm -f -v -r x', 'rm x --recursive', 'find . -name "*.ts" -delete', 'find src -type f -delete']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
    for (const c of ['rm -f my-repo.txt', 'rm -f --preserve-root a', 'rm notes-r.txt', 'find . -name "*.log"', 'npm run rm -- --dry', 'rm a.txt; git reset --soft HEAD~1']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
  });

  it('asks for a recursive delete when a quoted path holds a shell operator, or the option is quoted: the shell reads neither as the quote', () => {
    // Split at every ; & | even inside quotes, the rm's own options after such a path were looked for in another command.
    for (const c of ['rm "a;b" -rf', "rm 'build|x' -r", 'rm "x&" --recursive', 'rm "-rf" build', "rm '-r' build", 'find "a;b" -delete']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
    for (const c of ['rm "a;b" -f', 'echo "rm x" ; ls -r', "grep 'rm' x | sort -r", 'rm a; ls -R']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
  });

  it('asks for a force push however the flag is written: combined short flags (-fu), a + refspec, a remote branch deleted', () => {
    for (const c of ['git push -fu origin main', 'git push -uf origin main', 'git push origin +main', 'git push origin +HEAD:main', 'git push --force-if-includes origin main', 'git push origin :release', 'git push --delete origin release', 'git push -d origin release']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
    for (const c of ['git push -u origin feature', 'git push --follow-tags', 'git push origin HEAD:feature', 'git push --dry-run origin main', 'git push origin v1.0+build']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
  });

  it("looks for a push's, reset's or clean's option in the same simple command only: another command's -f or --hard is not theirs", () => {
    for (const c of ['git push origin main; rm -f build.log', 'git push origin main && git tag -d v1', 'git reset --soft HEAD~1 && echo --hard', 'git clean -n && rm -f x.txt', 'git push origin main | tee -a push.log']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
    for (const c of ['rm -f build.log; git push -f origin main', 'echo x && git reset HEAD~1 --hard', 'ls; git clean -xf']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
  });

  it("asks for what only git keeps and no rewind can give back: the user's stashes dropped or cleared, a branch deleted by force", () => {
    // A rewind restores the workspace's files, never .git: a stash or an unmerged branch deleted is gone for good.
    for (const c of ['git stash drop', 'git stash drop stash@{1}', 'git stash clear', 'git stash pop && git stash clear', 'git branch -D feature', 'git branch -dr origin/x -D y', 'git branch --delete --force feature', 'git branch -d -f feature', 'git branch -fd old']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
    for (const c of ['git stash', 'git stash pop', 'git stash list', 'git stash show -p', 'git branch -d merged', 'git branch feature', 'git branch -f feature HEAD', 'git branch --list', 'echo stash clear']) {
      assert.equal(autoCmd(c).ask, false, c);
    }
    assert.match(autoCmd('git stash clear').reasons.join(), /stash/);
    assert.match(autoCmd('git branch -D feature').reasons.join(), /branch/);
  });

  it('decides a command line of half a megabyte of pushes, resets and cleans without stalling the editor (the checks are linear in its length)', function () {
    // One regular expression scanning on from every 'git push' took seconds here (quadratic): this
    // bound is a stall check, far above the milliseconds the linear checks take.
    this.timeout(10_000);
    for (const [word, option] of [['git push ', '-f'], ['git reset ', '--hard'], ['git clean ', '-f']] as const) {
      const line = word.repeat(60_000);
      assert.equal(autoCmd(line).ask, false, word);
      assert.equal(autoCmd(`${line}${option}`).ask, true, word);
    }
  });

  it('asks for a force push or a remote delete written with quotes, which the shell takes out', () => {
    for (const c of ['git push origin "+main"', "git push '-f' origin main", 'git push "--force" origin main', "git push origin ':release'", 'git reset "--hard"']) {
      assert.equal(autoCmd(c).ask, true, c);
      assert.equal(autoCmd(c).always, true, c);
    }
    for (const c of ['git push origin "feature"', "git push -u origin 'main'"]) {
      assert.equal(autoCmd(c).ask, false, c);
    }
  });

  it('asks for anything that leaves the workspace, but not for file contents that mention paths or SQL', () => {
    assert.match(autoCmd('cat /etc/passwd').reasons.join(), /outside the workspace/);
    assert.equal(autoCmd('ls ../other-project').ask, true);
    assert.equal(autoCmd('cp x ~/backup').ask, true);
    assert.equal(autoCmd('node script.js > /dev/null').ask, false);
    const write = (content: string) => needsApproval(autoAll, { name: 'write_file', category: 'mutate' }, { path: 'migrations/001.sql', content });
    assert.equal(write('DROP TABLE old_users; -- see ../docs and /usr/share').ask, false);
    assert.equal(needsApproval(autoAll, { name: 'write_file', category: 'mutate' }, { path: '../outside.ts', content: '' }).ask, true);
  });

  it("honours the user's always-ask patterns, and fails closed on an invalid one", () => {
    const policy: ApprovalPolicy = { ...autoAll, alwaysAsk: ['terraform\\s+apply', '('] };
    const r = needsApproval(policy, { name: 'run_command', category: 'mutate' }, { command: 'terraform apply -auto-approve' });
    assert.equal(r.ask, true);
    assert.ok(r.reasons.some((x) => /terraform/.test(x)));
    assert.ok(r.reasons.some((x) => /invalid/.test(x)));
  });
});
