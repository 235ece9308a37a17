import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { type CheckpointDeps, checkpointCommands } from '../../../src/extension/checkpointCommands';
import { StoreHost } from '../../../src/extension/storeHost';
import type { SessionId } from '../../../src/core/store/types';
import { WindowStub } from '../helpers';
import { commitSteps, contextIn, readStep } from '../sidebarFakes';

/**
 * Rewind, Undo a Rewind, Fork, Diff and Symbols when what they need is missing: the user is told
 * why and what to do in a warning with the button that helps (as the other commands do), never a
 * raw error and never nothing at all.
 */
describe('Checkpoint commands without a folder or a store', () => {
  let ui: WindowStub;
  let log: vscode.LogOutputChannel;
  let dir: string;
  let host: StoreHost;
  let id: SessionId;

  before(async () => {
    log = vscode.window.createOutputChannel('Savepoint integration (checkpoint commands)', { log: true });
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-checkpoint-commands-'));
    host = new StoreHost(contextIn(dir), log);
    const store = (await host.get()).store;
    assert.ok(store);
    id = (await store.createSession({ title: 'A paused session', status: 'paused' })).id;
    await commitSteps(store, id, 0, 1, 2, 'A paused session');
  });
  after(async () => {
    await host?.dispose();
    log?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  const deps = (over: Partial<CheckpointDeps>): CheckpointDeps => ({
    stores: host,
    sessions: { isRunning: () => false, symbolOutliner: async () => undefined, holdWritesIn: () => () => () => undefined, folderOf: () => vscode.workspace.workspaceFolders?.[0], resume: async () => undefined } as unknown as CheckpointDeps['sessions'],
    pickSession: async () => id,
    log,
    ...over,
  });
  const warnings = () => ui.calls.filter((c) => c.kind === 'warning');

  it('says that the session store is not open, and why, with the logs a click away', async () => {
    const closedState = { store: undefined, readOnly: false, error: 'The session store could not be opened: no space left on the disk' };
    const closed = { get: async () => closedState, writable: async () => closedState, memory: async () => undefined, notifyChanged: () => undefined } as unknown as CheckpointDeps['stores'];
    const commands = checkpointCommands(deps({ stores: closed }));
    for (const [command, args] of [['savepoint.rewindSession', [id, 1]], ['savepoint.undoRewind', [id]], ['savepoint.forkSession', [id, 1]], ['savepoint.openStepDiff', [id, 1]], ['savepoint.showStepSymbols', [id, 1]]] as const) {
      const seen = ui.calls.length;
      await commands[command]?.(...args);
      const told = ui.calls.slice(seen);
      assert.equal(told.length, 1, `${command}: one message, no question first: ${JSON.stringify(told.map((c) => c.message))}`);
      assert.equal(told[0]?.kind, 'warning', command);
      assert.match(told[0]?.message ?? '', /^Savepoint: The session store could not be opened: no space left on the disk/, command);
      assert.deepEqual(told[0]?.args.slice(1), ['Show Logs'], command);
    }
    assert.deepEqual(ui.errors(), []);
  });

  it('says that a rewind and its undo need the folder open, with the button that opens one, before asking anything', async () => {
    const commands = checkpointCommands(deps({ folder: () => undefined }));
    for (const [command, args] of [['savepoint.rewindSession', [id, 1]], ['savepoint.undoRewind', [id]], ['savepoint.rewindSession', []]] as const) {
      const seen = ui.calls.length;
      await commands[command]?.(...args);
      const told = ui.calls.slice(seen);
      assert.deepEqual(told.map((c) => c.kind), ['warning'], `${command}: ${JSON.stringify(told.map((c) => c.message))}`);
      assert.match(told[0]?.message ?? '', /^Savepoint: Open the folder the session worked in first/, command);
      assert.deepEqual(told[0]?.args.slice(1), ['Open Folder'], command);
    }
    assert.deepEqual(ui.errors(), []);
    assert.equal(warnings().length, 3);
  });

  it('says that another window holds the sessions before asking anything, when Rewind, Undo a Rewind or Fork would have to write', async () => {
    const store = (await host.get()).store;
    assert.ok(store);
    // A second window: the store open read-only (the first holds it), every read working.
    const readOnly = { get: async () => ({ store, readOnly: true, error: null }), writable: async () => ({ store, readOnly: true, error: null }), memory: async () => undefined, notifyChanged: () => undefined } as unknown as CheckpointDeps['stores'];
    const commands = checkpointCommands(deps({ stores: readOnly }));
    const head = (await store.getSession(id))?.headSeq;
    for (const [command, args] of [['savepoint.rewindSession', [id, 1]], ['savepoint.undoRewind', [id]], ['savepoint.forkSession', [id, 1]], ['savepoint.rewindSession', []]] as const) {
      const seen = ui.calls.length;
      await commands[command]?.(...args);
      const told = ui.calls.slice(seen);
      assert.deepEqual(told.map((c) => c.kind), ['warning'], `${command}: one warning, no question first: ${JSON.stringify(told.map((c) => c.message))}`);
      assert.match(told[0]?.message ?? '', /^Savepoint: Another window is using this workspace's sessions/, command);
      assert.match(told[0]?.message ?? '', /Nothing was changed\.$/, command);
    }
    assert.deepEqual(ui.errors(), []);
    assert.equal((await store.getSession(id))?.headSeq, head, 'nothing was recorded');
  });

  it('a conversation rewind asks without promising an undo, names the new session, and Resume It resumes that one', async () => {
    const resumed: string[] = [];
    const sessions = { isRunning: () => false, symbolOutliner: async () => undefined, holdWritesIn: () => () => () => undefined, folderOf: () => vscode.workspace.workspaceFolders?.[0], resume: async (x: string) => void resumed.push(x) } as unknown as CheckpointDeps['sessions'];
    const commands = checkpointCommands(deps({ sessions }));
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Conversation only'));
    ui.on('inputBox', /What should the new session do from there\?/, () => '');
    let question = '';
    ui.on('warning', /rewind the conversation to step 1\?/, (c) => {
      question = c.message;
      return 'Rewind';
    });
    let buttons: unknown[] = [];
    ui.on('info', /the conversation goes on from step 1/, (c) => {
      buttons = c.args.slice(1);
      return 'Resume It';
    });
    await commands['savepoint.rewindSession']?.(id, 1);
    assert.equal(question, 'Savepoint: rewind the conversation to step 1? A new session goes on from step 1; this session and the files stay as they are.');
    assert.deepEqual(buttons, ['Resume It']);
    const store = (await host.get()).store;
    const fork = (await store?.listSessions({ limit: 50 }))?.sessions.find((x) => x.parent?.sessionId === id);
    assert.ok(fork, 'the fork is in the list');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && c.message.includes(`"${fork.title}", paused until you resume it`)), 'the notification names the fork');
    assert.deepEqual(resumed, [fork.id]);
    assert.deepEqual(ui.errors(), []);
  });

  it('a conversation rewind takes back the session\'s later memory writes with savepoint.memory.enabled off too, and says so first', async () => {
    const store = (await host.get()).store;
    assert.ok(store);
    const memory = await host.memory();
    assert.ok(memory, 'memory is on by default');
    // A write the session made at its last step, after step 1; then the user turns memory off.
    const head = (await store.getSession(id))?.headSeq ?? 0;
    await memory.remember({ kind: 'fact', text: 'Deploy with make ship.' }, { sessionId: id, seq: head, step: 2 });
    const facts = () => memory.list({ kind: 'fact' }).map((e) => e.text);
    assert.deepEqual(facts(), ['Deploy with make ship.']);
    const settings = vscode.workspace.getConfiguration('savepoint');
    await settings.update('memory.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const commands = checkpointCommands(deps({}));
      ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Conversation only'));
      ui.on('inputBox', /What should the new session do from there\?/, () => 'Go on without deploying.');
      let detail = '';
      ui.on('warning', /rewind the conversation to step 1\?/, (c) => {
        detail = JSON.stringify(c.args);
        return 'Rewind';
      });
      ui.on('info', /the conversation goes on from step 1/, () => undefined);
      await commands['savepoint.rewindSession']?.(id, 1);
      assert.match(detail, /Also undoes 1 long-term memory write this session made after that step/);
      assert.deepEqual(facts(), [], 'the write after step 1 was taken back with the conversation');
      assert.deepEqual(ui.errors(), []);
    } finally {
      await settings.update('memory.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a files rewind past a step that ran git commit says, in the question and the outcome, that git is not rewound', async () => {
    const store = (await host.get()).store;
    assert.ok(store);
    const git = (await store.createSession({ title: 'A session that committed', status: 'paused' })).id;
    const head = await commitSteps(store, git, 0, 1, 1, 'A session that committed');
    // Step 2 ran `git add -A && git commit` (no file changed: the commit is all it did).
    const events = readStep(2).map((e) =>
      e.type === 'tool_planned' ? { ...e, data: { callId: 'r2', name: 'run_command', category: 'compute', input: { command: 'git add -A && git commit -qm wip' } } } : e.type === 'tool_result' ? { ...e, data: { ...(e.data as object), name: 'run_command' } } : e,
    );
    await store.commit({ sessionId: git, expectedHeadSeq: head, events });
    const commands = checkpointCommands(deps({ pickSession: async () => git }));
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let question = '';
    ui.on('warning', /rewind to step 1\?/, (c) => {
      question = c.message;
      return 'Rewind';
    });
    ui.on('info', /Savepoint: no file was changed/, () => undefined);
    await commands['savepoint.rewindSession']?.(git, 1);
    const note = 'Step 2 ran git add and git commit: commits, branches, the index and stashes are not rewound, only files.';
    assert.equal(question, `Savepoint: rewind to step 1? 0 files will change; only files this session touched, and a safety checkpoint lets you undo it. ${note}`);
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'info').map((c) => c.message), [`Savepoint: no file was changed. ${note}`]);
    assert.deepEqual(ui.errors(), []);

    // A fork from step 1 goes back in the conversation only: the commit of step 2 stays, and is said to.
    ui.on('inputBox', /What should the new session do from there\?/, () => 'Go on.');
    ui.on('info', /forked from step 1/, () => undefined);
    await commands['savepoint.forkSession']?.(git, 1);
    const forked = ui.calls.filter((c) => c.kind === 'info' && /forked from step 1/.test(c.message)).map((c) => c.message);
    assert.equal(forked.length, 1, JSON.stringify(forked));
    assert.match(forked[0] ?? '', /; the original is unchanged\. Step 2 ran git add and git commit: a fork takes back neither files nor git \(the new session starts with the files, commits, branches, the index and stashes as they are now\)\.$/);
    assert.deepEqual(ui.errors(), []);
  });
});
