import assert from 'node:assert/strict';
import { agentSettings } from '../../../src/core/settings/agentSettings';
import { type SettingLayers, SettingsValues } from '../../../src/core/settings/settingsValues';

/** Settings as VS Code's `inspect` gives them: the user's, a cloned repository's `.vscode/settings.json`, and its folder's. */
function values(user: Record<string, unknown>, workspace: Record<string, unknown> = {}, folder: Record<string, unknown> = {}): SettingsValues {
  return new SettingsValues((key): SettingLayers => ({ globalValue: user[key], workspaceValue: workspace[key], workspaceFolderValue: folder[key] }));
}

const problems = (v: SettingsValues) => v.problems.map((p) => p.text);

describe("settings: a workspace's value that is not valid", () => {
  it("leaves the user's own value in use (not the default), and the warning says where the bad value is", () => {
    const v = values({ streamIdleSeconds: 600, 'checkpoints.maxFileSizeMB': 100, model: 'claude-haiku-4-5', ignore: ['dist/**'] }, { streamIdleSeconds: 'slow', 'checkpoints.maxFileSizeMB': 0, ignore: 'build' }, { model: 42 });
    const s = agentSettings(v);
    assert.equal(s.streamIdleMs, 600_000);
    assert.equal(s.maxFileBytes, 100 * 1024 * 1024);
    assert.deepEqual(s.models, ['claude-haiku-4-5']);
    assert.deepEqual(s.ignore, ['dist/**']);
    const texts = problems(v);
    assert.ok(texts.includes('savepoint.streamIdleSeconds is "slow" in this workspace\'s settings, but it must be a number: 600 is used'), texts.join('\n'));
    assert.ok(texts.includes('savepoint.checkpoints.maxFileSizeMB is 0 in this workspace\'s settings, but it must be between 1 and 1024: 100 is used'), texts.join('\n'));
    assert.ok(texts.includes('savepoint.model is 42 in this folder\'s settings, but it must be text: "claude-haiku-4-5" is used'), texts.join('\n'));
    assert.ok(texts.includes('savepoint.ignore is "build" in this workspace\'s settings, but it must be a list of text: ["dist/**"] is used'), texts.join('\n'));
    // Nothing chosen by the workspace is used, so nothing is said to be.
    assert.ok(v.problems.every((p) => !p.used), texts.join('\n'));
  });

  it("falls back to the workspace's valid value under a folder's bad one, and to the default under a bad user value", () => {
    const v = values({ 'context.keepTurns': 6 }, { 'context.keepTurns': 8 }, { 'context.keepTurns': 'many' });
    assert.equal(agentSettings(v).context.keepTurns, 8);
    assert.deepEqual(problems(v), ['savepoint.context.keepTurns is "many" in this folder\'s settings, but it must be a number: 8 is used']);
    const mine = values({ 'context.keepTurns': 0 });
    assert.equal(agentSettings(mine).context.keepTurns, 4);
    assert.ok(problems(mine).includes('savepoint.context.keepTurns is 0, but it must be between 1 and 50: 4 is used'), problems(mine).join('\n'));
  });
});

describe('settings: counts are whole numbers', () => {
  it('a fraction of output tokens (which the API refuses) or of turns kept (which stopped compaction) is not used, and is named', () => {
    const v = values({ maxTokens: 4000.5, 'context.keepTurns': 2.5 });
    const s = agentSettings(v);
    assert.equal(s.maxTokens, 8192);
    assert.equal(s.context.keepTurns, 4);
    assert.ok(problems(v).includes('savepoint.maxTokens is 4000.5, but it must be a whole number: 8192 is used'), problems(v).join('\n'));
    assert.ok(problems(v).includes('savepoint.context.keepTurns is 2.5, but it must be a whole number: 4 is used'), problems(v).join('\n'));
    // A repository's fraction does not lower the user's limit to a value every request fails with.
    const repo = values({ maxTokens: 4096 }, { maxTokens: 100.5 });
    assert.equal(agentSettings(repo).maxTokens, 4096);
  });
});

describe("settings: the folders' own settings in a workspace of several folders", () => {
  /** The session works in `own` ("web"); "api" is the workspace's other folder. */
  function folders(user: Record<string, unknown>, own: Record<string, unknown>, other: Record<string, unknown>): SettingsValues {
    return new SettingsValues((key): SettingLayers => ({ globalValue: user[key], workspaceFolderValue: own[key], workspaceFolderName: 'web', otherFolders: [{ name: 'api', value: other[key] }] }));
  }

  it("any folder's stricter safeguard wins, and a looser one is named with its folder", () => {
    const v = folders({ 'approval.mutate': 'auto', 'budget.maxSteps': 50 }, { 'budget.maxSteps': 20 }, { 'approval.mutate': 'ask', 'budget.maxSteps': 10, 'approval.read': 'auto', 'memory.enabled': false });
    const s = agentSettings(v);
    assert.equal(s.policy.categories.mutate, 'ask');
    assert.equal(s.budgets.maxSteps, 10);
    assert.deepEqual(problems(v), []);
    const loose = folders({ 'budget.maxSteps': 10 }, { 'budget.maxSteps': 30 }, { 'budget.maxSteps': 0 });
    assert.equal(agentSettings(loose).budgets.maxSteps, 10);
    assert.ok(problems(loose).includes('savepoint.budget.maxSteps is 30 in the settings of the folder "web", which is not used: a workspace can make it stricter, not looser (10 is used; set it in your user settings)'), problems(loose).join('\n'));
    assert.ok(problems(loose).includes('savepoint.budget.maxSteps is 0 in the settings of the folder "api", which is not used: a workspace can make it stricter, not looser (10 is used; set it in your user settings)'), problems(loose).join('\n'));
  });

  it("the session's own folder chooses its model and ignored paths; another folder's do not apply to it", () => {
    const v = folders({}, { model: 'claude-haiku-4-5', ignore: ['dist/**'] }, { model: 'claude-opus-4-1', ignore: ['**'], 'context.keepTurns': 9 });
    const s = agentSettings(v);
    assert.deepEqual(s.models, ['claude-haiku-4-5']);
    assert.deepEqual(s.ignore, ['dist/**']);
    assert.equal(s.context.keepTurns, 4);
    assert.ok(problems(v).some((t) => t.startsWith('savepoint.model is "claude-haiku-4-5" in the settings of the folder "web", and it is used')), problems(v).join('\n'));
  });

  it("a folder's value of a user-only setting is named as not used, and its check command waits for consent", () => {
    const v = folders({}, { checkCommand: 'make check' }, { 'approval.timeoutMinutes': 1, 'approval.timeoutAction': 'approve' });
    const s = agentSettings(v);
    assert.equal(s.approvalTimeout.minutes, 0);
    assert.equal(s.workspaceCheckCommand, 'make check');
    assert.ok(problems(v).includes('savepoint.approval.timeoutAction is "approve" in the settings of the folder "api", which is not used: only your user settings can set it (it decides the approvals you do not answer)'), problems(v).join('\n'));
  });
});
