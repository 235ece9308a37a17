import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { type ApprovalPolicy, alwaysAskProblem, needsApproval } from '../../../src/core/runner/approvalPolicy';

const autoAll: ApprovalPolicy = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: [] };
const decide = (alwaysAsk: string[], input: unknown) => needsApproval({ ...autoAll, alwaysAsk }, { name: 'run_command', category: 'mutate' }, input);

/**
 * needsApproval in a child process that is killed after `ms`: a pattern that backtracks for ever
 * fails the test instead of freezing it (as it would freeze the extension host).
 */
function decideInChild(alwaysAsk: string[], input: unknown, ms = 10_000): { ask: boolean; reasons: string[] } {
  const policyModule = path.join(__dirname, '../../../src/core/runner/approvalPolicy.js');
  const script = `const { needsApproval } = require(${JSON.stringify(policyModule)});
    const d = needsApproval({ categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: ${JSON.stringify(alwaysAsk)} }, { name: 'run_command', category: 'mutate' }, ${JSON.stringify(input)});
    process.stdout.write(JSON.stringify(d));`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { timeout: ms, encoding: 'utf8' });
  assert.ok(r.signal === null && r.status === 0, `matching did not finish within ${ms} ms (${Date.now() - started} ms, signal ${r.signal}, status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { ask: boolean; reasons: string[] };
}

describe('always-ask patterns cannot freeze the extension host', () => {
  it('a pattern with nested repetition, matched against a long command, is refused at once and asks (it hangs without the check)', () => {
    const d = decideInChild(['(a+)+$'], { command: `echo ${'a'.repeat(40)}!` });
    assert.equal(d.ask, true);
    assert.ok(
      d.reasons.some((r) => r.includes('"(a+)+$"') && r.includes('savepoint.approval.alwaysAsk') && r.includes('every call is asked about')),
      d.reasons.join('\n'),
    );
  });

  it('refuses star height above 1, a repeated group of alternatives, and backreferences, and names the pattern and the setting', () => {
    for (const bad of ['(a+)+$', '(a*)*', '(?:x\\s+y)*z', '(.*a){2,}', '((ab)*c)+', '(a|a)*$', '(?:rm|mv)+', '(\\w+)\\1', '(?<q>["\']).*\\k<q>']) {
      const problem = alwaysAskProblem(bad);
      assert.ok(problem, bad);
      assert.ok(problem.includes(JSON.stringify(bad)) && problem.includes('savepoint.approval.alwaysAsk'), problem);
      const d = decide([bad], { command: 'ls' });
      assert.equal(d.ask, true, bad);
      assert.equal(d.always, true, bad);
    }
    assert.match(alwaysAskProblem('(\\w+)\\1') ?? '', /backreference/);
    assert.match(alwaysAskProblem('(a+)+$') ?? '', /repeats a group/);
    assert.match(alwaysAskProblem('(') ?? '', /is invalid/);
  });

  it('takes ordinary patterns, including a single repetition of a group, escapes, classes and bounded counts', () => {
    for (const good of ['curl', 'terraform\\s+apply', '\\bgit\\s+push\\b.*--force', '(npm|yarn) publish', '(ab)+c', '[(a+)+]*', '\\(a+\\)+', 'x{2,5}', '(\\d+\\.){3}\\d+', '^sleep 0$', '\\0', '(?:-[a-z]+ )?deploy', '\\u{1F600}', '(?=a+)b', '[\\]+]+']) {
      assert.equal(alwaysAskProblem(good), undefined, good);
    }
    assert.equal(decide(['terraform\\s+apply'], { command: 'terraform apply -auto-approve' }).ask, true);
    assert.equal(decide(['terraform\\s+apply'], { command: 'terraform plan' }).ask, false);
  });

  it('matches a long input in bounded stretches, and still finds a match at its end', () => {
    const long = `${'x '.repeat(50_000)}terraform apply`;
    const d = decide(['terraform\\s+apply'], { command: long });
    assert.equal(d.ask, true);
    assert.ok(d.reasons.some((r) => r.includes('matches always-ask pattern')));
    // A stretch boundary inside the match: found in the stretch that overlaps it.
    for (const pad of [995, 996, 1000, 1003, 1497, 1500]) assert.equal(decide(['terraform\\s+apply'], { content: `${'y'.repeat(pad)}terraform apply${'z'.repeat(3000)}` }).ask, true, String(pad));
    assert.equal(decide(['terraform\\s+apply'], { content: 'y'.repeat(5000) }).ask, false);
    // The bound itself: a pattern never sees more than 1,000 characters at once.
    assert.equal(decide(['^[\\s\\S]{1001}'], { command: 'x'.repeat(5000) }).ask, false);
    assert.equal(decide(['^[\\s\\S]{1000}'], { command: 'x'.repeat(5000) }).ask, true);
  });

  it('stops a pattern that is slow without backtracking for ever (\\s*\\s*x on 20,000 spaces: seconds of work) and asks, naming it', () => {
    const d = decideInChild(['\\s*\\s*x'], { command: `echo${' '.repeat(20_000)}done` });
    assert.equal(d.ask, true);
    assert.ok(d.reasons.some((r) => r.includes('"\\\\s*\\\\s*x"') && r.includes('was stopped') && r.includes('asked about')), d.reasons.join('\n'));
    // The same pattern on ordinary input is used as usual.
    assert.equal(decide(['\\s*\\s*x'], { command: 'echo  x' }).ask, true);
    assert.equal(decide(['\\s*\\s*x'], { command: 'echo  y' }).ask, false);
  });
});

