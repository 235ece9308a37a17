import assert from 'node:assert/strict';
import { type ApprovalPolicy, needsApproval } from '../../../src/core/runner/approvalPolicy';

/** Commands set to run unasked (approval.mutate auto): what leaves the workspace must still be asked about, as the setting promises. */
const autoAll: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
const asks = (command: string) => needsApproval(autoAll, { name: 'run_command', category: 'mutate' }, { command });

describe('approval policy: commands that reach outside the workspace by other spellings are asked about too', () => {
  it('the home folder by variable, `..` before a shell operator, and a bare cd (which goes home)', () => {
    for (const command of [
      'cat $HOME/.ssh/id_rsa',
      'cat "${HOME}/.aws/credentials"',
      'tar czf x.tgz $USERPROFILE',
      'type %USERPROFILE%\\.npmrc',
      'cd ..; cat secret.txt',
      'cd ..&&cat secret.txt',
      'ls ..|head',
      'cd && cat .bash_history',
      'cd; ls',
      'cd',
      'pushd .. >/dev/null',
      'cat $(dirname $PWD)/other/secret',
      'cat "$OLDPWD/x"',
    ]) {
      const r = asks(command);
      assert.equal(r.ask, true, command);
      assert.ok(r.reasons.some((x) => /outside the workspace/.test(x)), `${command}: ${r.reasons.join('; ')}`);
    }
  });

  it('a redirection or shell operator written against an absolute or home path (`>~/.bashrc`, `2>/var/log/build.log`, `cat</etc/passwd`)', () => {
    for (const command of ['echo alias ls=rm >>~/.bashrc', 'echo x>/etc/hosts', 'npm test 2>/var/log/test.log', 'cat</etc/passwd', 'echo $(</etc/passwd)', 'ls|/usr/bin/tee x', 'true&&/bin/sh x', 'make;~/bin/deploy']) {
      const r = asks(command);
      assert.equal(r.ask, true, command);
      assert.ok(r.reasons.some((x) => /outside the workspace/.test(x)), `${command}: ${r.reasons.join('; ')}`);
    }
  });

  it('a path written against a short option (`curl -o/etc/x`, `tar -C/etc`, `gcc -o~/bin/x`), as the tools read it', () => {
    for (const command of ['curl -s -o/etc/cron.d/job https://127.0.0.1/x', 'tar -C/etc -xf conf.tar', 'gcc -o~/bin/tool main.c', 'cp -t/usr/local/bin build/tool', 'unzip x.zip "-d/opt/app"']) {
      const r = asks(command);
      assert.equal(r.ask, true, command);
      assert.ok(r.reasons.some((x) => /outside the workspace/.test(x)), `${command}: ${r.reasons.join('; ')}`);
    }
    for (const command of ['gcc -Iinclude -o build/tool main.c', 'tar -C build -xf x.tar', 'grep -rn "a/b" src', 'npm test -- --reporter=dot', 'node x.js 2>/dev/null -v', 'git log -n5 -- src/a.ts', 'make -j4']) {
      assert.equal(asks(command).ask, false, command);
    }
  });

  it('still runs ordinary commands unasked', () => {
    for (const command of ['npm test', 'git status', 'ls -la src', 'cd src && npm run build', 'echo ok > /dev/null', 'node -e "console.log(1..toString())"', 'cat a..b.txt', 'make HOMEPAGE=x', 'npm test 2>/dev/null', 'echo oops >/dev/stderr', 'node x.js 2>&1 >out.log', 'ls>/dev/stdout']) {
      assert.equal(asks(command).ask, false, command);
    }
  });
});
