import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionId } from '../../../src/core/store/types';
import { interruptedText, recover } from '../../../src/extension/recovery';
import { FolderNotOpen, NotReady } from '../../../src/extension/readiness';
import { activateExtension, config, events, modelStats, waitForSession, WindowStub } from '../helpers';

/**
 * The launcher left a session journaled as `running` in a store before the editor started, as an
 * editor killed in the middle of a step leaves it. Activation must mark it interrupted (not resume
 * it on its own, not lose it) and offer to resume it.
 */
const interrupted = (id: string) => ({ id: id as SessionId, title: `Task ${id}` });

describe('Restart recovery', () => {
  let ui: WindowStub;
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('marks a session left running by a dead editor as interrupted on activation, without calling the model', async () => {
    await activateExtension();
    const { seeded } = config();
    const s = await waitForSession(seeded.storeDir, seeded.title, (x) => x.status !== 'running', 'to leave running');
    assert.equal(s.id, seeded.sessionId);
    assert.equal(s.status, 'interrupted');
    const status = (await events(seeded.storeDir, s.id)).filter((e) => e.type === 'status').map((e) => e.data as { status: string; reason?: string });
    assert.deepEqual(status.at(-1), { status: 'interrupted', reason: 'the editor stopped while the session was running' });
    assert.equal((await modelStats()).requests, 0, 'recovery does not run the session (savepoint.autoResume is off)');
  });

  it('offers the interrupted session in Resume Session', async () => {
    const { seeded } = config();
    let offered: Array<{ label: string; id?: string }> = [];
    ui.on('quickPick', /Resume which session\?/, (c) => {
      offered = c.args[0] as typeof offered;
      return undefined;
    });
    await vscode.commands.executeCommand('savepoint.resumeSession');
    assert.ok(offered.some((i) => i.id === seeded.sessionId && i.label.includes(seeded.title)), `offered: ${JSON.stringify(offered.map((i) => i.label))}`);
    assert.deepEqual(ui.errors(), []);
  });

  it('Resume on the restart notice says why a session cannot resume, with the button that fixes it', async () => {
    const log = vscode.window.createOutputChannel('Savepoint integration (recovery)', { log: true });
    ui.on('warning', /interrupted when the editor stopped/, () => 'Resume');
    const why = new NotReady("Set your Anthropic API key first (it is kept in VS Code's secret storage).", { title: 'Set API Key', command: 'savepoint.setApiKey' });
    const sessions = {
      sweepCrashLeftovers: async () => 0,
      rememberLostEpisodes: async () => 0,
      recoverInterrupted: async () => [interrupted('01INTERRUPTED')],
      resume: async () => {
        throw why;
      },
    };
    try {
      await recover(sessions, { refresh: async () => undefined }, log, async () => undefined);
    } finally {
      log.dispose();
    }
    const told = ui.calls.find((c) => c.kind === 'warning' && c.message.includes('Set your Anthropic API key first'));
    assert.ok(told, `the user is told why: ${JSON.stringify(ui.calls.map((c) => c.message))}`);
    assert.deepEqual(told.args.slice(1), ['Set API Key']);
  });

  it('Show on the restart notice shows the session in the Savepoint sidebar, not in a text document', async () => {
    const log = vscode.window.createOutputChannel('Savepoint integration (recovery show)', { log: true });
    ui.on('warning', /interrupted when the editor stopped/, () => 'Show');
    const shown: SessionId[] = [];
    const sessions = { sweepCrashLeftovers: async () => 0, rememberLostEpisodes: async () => 0, recoverInterrupted: async () => [interrupted('01FIRST')], resume: async () => undefined };
    const documents = () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'savepoint-session').length;
    const before = documents();
    try {
      await recover(sessions, { refresh: async () => undefined }, log, async (id) => void shown.push(id));
    } finally {
      log.dispose();
    }
    assert.deepEqual(shown, ['01FIRST']);
    assert.equal(documents(), before, 'no session document opened');
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'warning').map((c) => c.message), ['Savepoint: the session "Task 01FIRST" was interrupted when the editor stopped. Nothing is lost: Resume goes on where it stopped, without redoing finished steps, and asks before running again a command that was cut off. To resume later: the Savepoint sidebar, or Savepoint: Resume Session.']);
  });

  it('the restart notice names the interrupted sessions, and its Show asks which of several to show', async () => {
    const log = vscode.window.createOutputChannel('Savepoint integration (recovery show several)', { log: true });
    ui.on('warning', /interrupted when the editor stopped/, () => 'Show');
    let offered: string[] = [];
    ui.on('quickPick', /Show which interrupted session\?/, (c) => {
      const items = c.args[0] as Array<{ label: string }>;
      offered = items.map((i) => i.label);
      return items[3];
    });
    const shown: SessionId[] = [];
    const ids = ['01A', '01B', '01C', '01D', '01E'];
    const sessions = { sweepCrashLeftovers: async () => 0, rememberLostEpisodes: async () => 0, recoverInterrupted: async () => ids.map(interrupted), resume: async () => undefined };
    try {
      await recover(sessions, { refresh: async () => undefined }, log, async (id) => void shown.push(id));
    } finally {
      log.dispose();
    }
    assert.deepEqual(offered, ids.map((i) => `Task ${i}`));
    assert.deepEqual(shown, ['01D'], 'the one picked, not the first');
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'warning').map((c) => c.message), ['Savepoint: 5 sessions were interrupted when the editor stopped ("Task 01A", "Task 01B", "Task 01C" and 2 more). Nothing is lost: Resume goes on where they stopped, without redoing finished steps, and asks before running again a command that was cut off. To resume later: the Savepoint sidebar, or Savepoint: Resume Session.']);
    assert.equal(interruptedText(ids.slice(0, 2).map(interrupted)), 'Savepoint: 2 sessions were interrupted when the editor stopped ("Task 01A" and "Task 01B"). Nothing is lost: Resume goes on where they stopped, without redoing finished steps, and asks before running again a command that was cut off. To resume later: the Savepoint sidebar, or Savepoint: Resume Session.');
  });

  it('Resume on the restart notice passes over a session whose folder is not open, resumes the others, and names the folder', async () => {
    const log = vscode.window.createOutputChannel('Savepoint integration (recovery folders)', { log: true });
    ui.on('warning', /interrupted when the editor stopped/, () => 'Resume');
    const resumed: SessionId[] = [];
    const away = (name: string) => new FolderNotOpen(`this session worked in the folder "${name}" (/src/${name}), which is not open in this workspace. Add it back to the workspace (File: Add Folder to Workspace), then try again.`, { name, path: `/src/${name}` });
    const sessions = {
      sweepCrashLeftovers: async () => 0,
      rememberLostEpisodes: async () => 0,
      recoverInterrupted: async () => ['01API', '01HERE', '01API2', '01WEB', '01THERE'].map(interrupted),
      resume: async (id: SessionId) => {
        if (id === '01API' || id === '01API2') throw away('api');
        if (id === '01WEB') throw away('web');
        resumed.push(id);
      },
    };
    try {
      await recover(sessions, { refresh: async () => undefined }, log, async () => undefined);
    } finally {
      log.dispose();
    }
    assert.deepEqual(resumed, ['01HERE', '01THERE'], 'the sessions after one whose folder is away are resumed too');
    const notices = ui.calls.filter((c) => c.kind === 'warning' && c.message.includes('not resumed')).map((c) => c.message);
    assert.deepEqual(notices, ['Savepoint: 3 interrupted sessions were not resumed: they worked in the folders "api" (/src/api), "web" (/src/web), not open in this workspace. Add them back (File: Add Folder to Workspace), then use Resume Session.']);
    assert.deepEqual(ui.errors(), []);
  });
});

