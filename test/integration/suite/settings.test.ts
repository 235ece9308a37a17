import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { needsApproval } from '../../../src/core/runner/approvalPolicy';
import { readSettings } from '../../../src/extension/settings';
import { activateExtension, WindowStub } from '../helpers';

/** settings.json is edited by hand: a value of the wrong type or out of range must not stop the agent. */
describe('Settings', () => {
  let ui: WindowStub;
  const bad: Array<[string, unknown]> = [
    ['model', 42],
    ['fallbackModels', 'claude-haiku-4-5'],
    ['maxTokens', -5],
    ['budget.maxSteps', -1],
    ['approval.alwaysAsk', 'rm -rf'],
    ['approval.mutate', 'never'],
    ['context.keepTurns', 'four'],
  ];
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(async () => {
    ui.restore();
    const c = vscode.workspace.getConfiguration('savepoint');
    for (const [key] of bad) await c.update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('falls back to the defaults of settings with bad values, and names each in one warning', async () => {
    await activateExtension();
    const c = vscode.workspace.getConfiguration('savepoint');
    for (const [key, value] of bad) await c.update(key, value, vscode.ConfigurationTarget.Global);
    const s = readSettings();
    assert.deepEqual(s.models, ['claude-sonnet-4-6']);
    assert.equal(s.maxTokens, 8192);
    assert.equal(s.budgets.maxSteps, undefined, 'no step limit');
    assert.deepEqual(s.policy.alwaysAsk, []);
    assert.equal(s.policy.categories.mutate, 'ask');
    assert.equal(s.context.keepTurns, 4);
    const warned = ui.calls.filter((x) => x.kind === 'warning');
    assert.equal(warned.length, 1, 'one warning');
    for (const [key] of bad) assert.ok(warned[0]?.message.includes(`savepoint.${key} is `), `${key} named in: ${warned[0]?.message}`);
    assert.match(warned[0]?.message ?? '', /savepoint\.maxTokens is -5, but it must be at least 1: 8192 is used/);
    assert.deepEqual(ui.errors(), []);
    // Read again (every command reads them): not said twice.
    readSettings();
    assert.equal(ui.calls.filter((x) => x.kind === 'warning').length, 1);
  });

  it('stops a slow always-ask pattern inside the extension host too (its time limit runs through vm), and asks', () => {
    const auto = { categories: { read: 'auto', compute: 'auto', mutate: 'auto' }, alwaysAsk: ['\\s*\\s*x'] } as const;
    const d = needsApproval({ ...auto, alwaysAsk: [...auto.alwaysAsk] }, { name: 'run_command', category: 'mutate' }, { command: `echo${' '.repeat(20_000)}done` });
    assert.equal(d.ask, true);
    assert.ok(d.reasons.some((r) => r.includes('was stopped')), d.reasons.join('\n'));
  });
});

