import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, extensionStoreDir, modelStats, sessions, sleep, useModel, waitFor, waitForSession, WindowStub, workbenchUi } from '../helpers';
import { FIXTURE_FILES, MULTI_MODEL, MULTI_TASK } from '../scenario';

/**
 * A workspace of two folders (run.mjs with SAVEPOINT_INTEG_MULTIROOT=1 opens one; in the usual
 * one-folder run this suite is skipped): New Session asks which folder the agent works in, and the
 * session reads, writes, runs its commands and is rewound in that folder only; the other folder's
 * files of the same names are never touched.
 */
describe('multi-root workspace', () => {
  let ui: WindowStub;
  before(function () {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) < 2) this.skip();
  });
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('New Session asks for the folder; the session works, and is rewound, in the second folder only', async () => {
    await activateExtension();
    await useModel(MULTI_MODEL);
    const [first, second] = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) as [string, string];
    const text = (root: string, file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);
    const untouched = () => {
      assert.equal(text(first, 'hello.ts'), FIXTURE_FILES['hello.ts'], 'the first folder\'s hello.ts is untouched');
      assert.equal(text(first, 'made.txt'), undefined, 'no made.txt in the first folder');
    };
    let offered: string[] = [];
    ui.on('quickPick', /Which folder should the agent work in\?/, (c) => {
      const items = c.args[0] as Array<{ label: string; detail?: string }>;
      offered = items.map((i) => i.detail ?? i.label);
      return items[1];
    });
    ui.on('warning', /allow the agent to (run `echo made|edit_file hello\.ts)/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', MULTI_TASK);
    assert.deepEqual(offered, [first, second], 'both folders offered, in the workspace\'s order');
    const started = ui.calls.find((c) => c.kind === 'info' && /session started/.test(c.message));
    assert.match(started?.message ?? '', new RegExp(`session started in the folder "${second.split('/').pop()}"`));

    const storeDir = await extensionStoreDir(ui);
    const done = await waitForSession(storeDir, MULTI_TASK, (s) => s.status === 'completed' || s.status === 'failed', 'to finish');
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(text(second, 'hello.ts'), 'export const hello = 3;\n');
    assert.equal(text(second, 'made.txt'), 'made by a command\n');
    untouched();
    // The session list names the folder each session works in (several are open).
    await vscode.commands.executeCommand('workbench.view.extension.savepoint');
    if (await workbenchUi({ count: 'body' })) {
      const named = await workbenchUi({ wait: `.meta:has-text("${second.split('/').pop()} · ")`, shot: 'multi-root-sidebar' });
      assert.ok(named, 'the row names the second folder');
    }

    // Rewound to before the session: the edit and the command's file go, in the second folder.
    ui.on('quickPick', /Rewind which session\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label.includes(MULTI_TASK)));
    ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Before the session'));
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let preview = '';
    // The question names the folder it writes in (two are open).
    ui.on('warning', new RegExp(`rewind to before the session in the folder "${second.split('/').pop()}"\\?`), (c) => {
      preview = String((c.args[1] as { detail?: string } | undefined)?.detail ?? '');
      return 'Rewind';
    });
    await vscode.commands.executeCommand('savepoint.rewindSession');
    await waitFor('the rewind in the second folder', () => (text(second, 'hello.ts') === FIXTURE_FILES['hello.ts'] && text(second, 'made.txt') === undefined ? true : undefined));
    assert.match(preview, /hello\.ts/);
    assert.match(preview, /made\.txt/);
    untouched();
    // The Explorer catches up with the disk (its watcher), then the picture.
    await sleep(1500);
    await workbenchUi({ shot: 'multi-root-after-rewind' });

    const stats = await modelStats();
    assert.deepEqual(stats.duplicateTurns, []);
    assert.deepEqual(stats.violations, []);
    assert.deepEqual(ui.errors(), []);
  });

  it('New Session asks for the folder before the task: the question dismissed, nothing was typed for nothing', async () => {
    const asked: string[] = [];
    ui.on('quickPick', /Which folder should the agent work in\?/, () => {
      asked.push('folder');
      return undefined;
    });
    ui.on('inputBox', /What should the agent do\?/, () => {
      asked.push('task');
      return 'typed for nothing';
    });
    await vscode.commands.executeCommand('savepoint.newSession');
    assert.deepEqual(asked, ['folder'], 'the task is not asked for once the folder question is dismissed');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && /no folder chosen, so no session was started/.test(c.message)));
    assert.deepEqual(ui.errors(), []);
  });

  it('Import Session asks which folder holds the session\'s files, keeps the answer, and imports nothing when it is dismissed', async () => {
    await activateExtension();
    const second = vscode.workspace.workspaceFolders?.[1]?.uri.fsPath as string;
    const storeDir = await extensionStoreDir(ui);
    const source = (await sessions(storeDir)).find((s) => s.title.includes(MULTI_TASK));
    assert.ok(source, 'the session of the first test');
    const dir = await mkdtemp(join(tmpdir(), 'savepoint-import-multi-'));
    const file = join(dir, 'session.json');
    ui.on('saveDialog', /\.json$/, () => vscode.Uri.file(file));
    await vscode.commands.executeCommand('savepoint.exportSession', source.id);
    ui.on('openDialog', /^Savepoint: Import Session$/, () => [vscode.Uri.file(file)]);
    ui.on('quickPick', /Which folder are the session's files in\?/, () => undefined);
    await vscode.commands.executeCommand('savepoint.importSession');
    assert.ok(ui.calls.some((c) => c.kind === 'info' && c.message === 'Savepoint: no folder chosen, so nothing was imported.'));
    const before = (await sessions(storeDir)).length;
    ui.on('quickPick', /Which folder are the session's files in\?/, (c) => (c.args[0] as unknown[])[1]);
    ui.on('warning', /Import it again as a new session/, () => 'Import as New');
    await vscode.commands.executeCommand('savepoint.importSession');
    // Named from the session's folder record, read back: the one chosen, not the workspace's first.
    const said = ui.calls.find((c) => c.kind === 'info' && /^Savepoint: imported session /.test(c.message));
    assert.match(said?.message ?? '', new RegExp(`into the folder "${basename(second)}": `));
    const copy = (await sessions(storeDir)).find((s) => s.id !== source.id && s.title === source.title);
    assert.ok(copy && (await sessions(storeDir)).length === before + 1);
    assert.deepEqual(ui.errors(), []);
    ui.on('warning', /^Delete this session/, () => 'Delete');
    await vscode.commands.executeCommand('savepoint.deleteSession', copy.id);
    await rm(dir, { recursive: true, force: true });
  });
});
