import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SessionExport } from '../../../src/core/store/sessionExport';
import { activateExtension, config, extensionStoreDir, sessions, waitFor, WindowStub } from '../helpers';

interface Contributed {
  command: string;
  title: string;
  category?: string;
}

describe('Commands', () => {
  let ui: WindowStub;
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('activates in the real extension host, in a trusted workspace', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
    assert.ok(vscode.workspace.isTrusted, 'the fixture workspace is trusted');
    console.log(`      (VS Code ${vscode.version}, ${vscode.env.appHost}, Node ${process.version})`);
  });

  it('registers every contributed command, each under the category Savepoint', async () => {
    const ext = await activateExtension();
    const contributed = (ext.packageJSON as { contributes: { commands: Contributed[] } }).contributes.commands;
    assert.ok(contributed.length >= 10, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
    assert.deepEqual(missing, [], 'contributed but not registered');
    const uncategorised = contributed.filter((c) => c.category !== 'Savepoint' || !c.command.startsWith('savepoint.')).map((c) => c.command);
    assert.deepEqual(uncategorised, [], 'every command is savepoint.* in the category Savepoint');
    for (const id of ['savepoint.newSession', 'savepoint.answerApprovals', 'savepoint.rewindSession', 'savepoint.resumeSession']) assert.ok(registered.has(id), id);
  });

  it('Show Store Info reports the store the extension opened: the seeded one, adopted through the workspace registry', async () => {
    const dir = await extensionStoreDir(ui);
    assert.equal(dir, config().seeded.storeDir);
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /\d+ sessions?, store read-write at /.test(c.message)));
  });

  it('New Session without a task asks for one, and dismissing the input box starts nothing', async () => {
    const before = (await sessions(config().seeded.storeDir)).length;
    await vscode.commands.executeCommand('savepoint.newSession');
    const asked = ui.calls.find((c) => c.kind === 'inputBox');
    assert.ok(asked, 'an input box was shown');
    assert.match(asked.message, /What should the agent do\?/);
    assert.equal((await sessions(config().seeded.storeDir)).length, before);
    assert.deepEqual(ui.errors(), []);
  });

  it('Export Session writes the whole session: the events and the contents they name (the conversation was missing, named by hash only)', async () => {
    const { seeded } = config();
    const file = join(await mkdtemp(join(tmpdir(), 'savepoint-export-')), 'session.json');
    ui.on('saveDialog', /\.json$/, () => vscode.Uri.file(file));
    await vscode.commands.executeCommand('savepoint.exportSession', seeded.sessionId);
    const said = await waitFor('the export notice', () => ui.calls.find((c) => c.kind === 'info' && /^Savepoint: exported \d+ events? and \d+ stored contents? \(/.test(c.message)));
    const x = JSON.parse(await readFile(file, 'utf8')) as SessionExport;
    assert.equal(x.format, 'savepoint-session/2');
    assert.equal(x.session.id, seeded.sessionId);
    // The task is the conversation's first message, named by session_started.
    const first = (x.events.find((e) => e.type === 'session_started')?.data as { firstMessage?: string } | undefined)?.firstMessage;
    assert.ok(first, 'session_started names the first message');
    const named = [first, ...x.events.filter((e) => e.type === 'message_added').map((e) => (e.data as { message: string }).message)];
    for (const h of named) assert.ok(x.blobs[h]?.data.includes(seeded.title), `message ${h} with its words`);
    assert.match(said.message, new RegExp(`exported ${x.events.length} event`));
    assert.deepEqual(ui.errors(), []);
    await rm(dirname(file), { recursive: true, force: true });
  });

  it('Import Session brings an export back: a damaged file is refused whole, a session here already comes in again only when asked', async () => {
    const { seeded } = config();
    const dir = await mkdtemp(join(tmpdir(), 'savepoint-import-'));
    const file = join(dir, 'session.json');
    ui.on('saveDialog', /\.json$/, () => vscode.Uri.file(file));
    await vscode.commands.executeCommand('savepoint.exportSession', seeded.sessionId);
    const x = JSON.parse(await readFile(file, 'utf8')) as SessionExport;
    const before = (await sessions(seeded.storeDir)).length;
    const damaged = join(dir, 'damaged.json');
    await writeFile(damaged, JSON.stringify({ ...x, events: x.events.map((e, i) => (i === 0 ? { ...e, step: undefined } : e)) }));
    ui.on('openDialog', /^Savepoint: Import Session$/, () => [vscode.Uri.file(damaged)]);
    await vscode.commands.executeCommand('savepoint.importSession');
    // The first event: the seeded session may have only one.
    assert.ok(ui.errors().some((m) => /^Savepoint: the session export is damaged at events\[0\]\.step: .*; nothing was imported\.$/.test(m)), JSON.stringify(ui.calls.map((c) => c.message)));
    assert.equal((await sessions(seeded.storeDir)).length, before);
    // The seeded session is here: the user is asked, and a dismissed question imports nothing.
    ui.on('openDialog', /^Savepoint: Import Session$/, () => [vscode.Uri.file(file)]);
    await vscode.commands.executeCommand('savepoint.importSession');
    assert.ok(ui.calls.some((c) => c.kind === 'warning' && /already\. Import it again as a new session, beside it\?$/.test(c.message)));
    assert.equal((await sessions(seeded.storeDir)).length, before);
    ui.on('warning', /Import it again as a new session/, () => 'Import as New');
    await vscode.commands.executeCommand('savepoint.importSession');
    const said = ui.calls.find((c) => c.kind === 'info' && /^Savepoint: imported session "/.test(c.message));
    assert.ok(said, ui.calls.map((c) => c.message).join('\n'));
    assert.match(said.message, new RegExp(`: ${x.events.length} events?, ${Object.keys(x.blobs).length} stored contents?`));
    const copy = (await sessions(seeded.storeDir)).find((s) => s.id !== seeded.sessionId && s.title === x.session.title);
    assert.ok(copy, 'a second session with the same title');
    assert.equal(copy.headSeq, x.events.length + (x.session.status === 'running' ? 1 : 0));
    assert.deepEqual(ui.errors().filter((m) => !/damaged/.test(m)), []);
    ui.on('warning', /^Delete this session/, () => 'Delete');
    await vscode.commands.executeCommand('savepoint.deleteSession', copy.id);
    assert.equal((await sessions(seeded.storeDir)).length, before);
    await rm(dir, { recursive: true, force: true });
  });
});
