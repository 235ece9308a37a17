import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, config, deferred, waitFor, waitForSession, useModel, WindowStub, workspaceRoot } from '../helpers';
import { NOTES_ORIGINAL, NOTES_REWRITTEN, REWRITE_MODEL, REWRITE_TASK } from '../scenario';

/**
 * A session rewrites notes.txt (a BOM, CRLF line ends, non-ASCII, no final newline). Rewind to
 * "before the session" through savepoint.rewindSession restores those exact bytes; the Undo the
 * rewind offers puts the session's version back, byte for byte too.
 */
describe('Rewind', () => {
  let ui: WindowStub;
  before(() => useModel(REWRITE_MODEL));
  after(() => useModel(undefined));
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());

  it('restores the file byte-exactly, and its Undo restores the session\'s version', async () => {
    await activateExtension();
    const { seeded } = config();
    const file = join(workspaceRoot(), 'notes.txt');
    const original = Buffer.from(NOTES_ORIGINAL, 'utf8');
    assert.ok(readFileSync(file).equals(original), 'the fixture starts with the original bytes');

    ui.on('warning', /allow the agent to write_file notes\.txt/, () => 'Approve');
    await vscode.commands.executeCommand('savepoint.newSession', REWRITE_TASK);
    const s = await waitForSession(seeded.storeDir, REWRITE_TASK, (x) => x.status === 'completed' || x.status === 'failed', 'to finish');
    assert.equal(s.status, 'completed');
    const rewritten = readFileSync(file);
    assert.equal(rewritten.toString('utf8'), NOTES_REWRITTEN);

    let steps: Array<{ label: string; step: number }> = [];
    ui.on('quickPick', /Restore the workspace to its state after which step\?/, (c) => {
      steps = c.args[0] as typeof steps;
      return steps.find((i) => i.step === 0);
    });
    ui.on('quickPick', /What to rewind\?/, (c) => (c.args[0] as Array<{ label: string }>).find((i) => i.label === 'Files only'));
    let preview = '';
    ui.on('warning', /rewind to before the session\?/, (c) => {
      preview = (c.args[1] as { detail?: string }).detail ?? '';
      return 'Rewind';
    });
    const undo = deferred<string | undefined>();
    ui.on('info', /Savepoint: rewound /, () => undo.promise);
    const command = vscode.commands.executeCommand('savepoint.rewindSession', s.id);

    await waitFor('the rewind to be applied', () => ui.calls.find((c) => c.kind === 'info' && /Savepoint: rewound 1 file/.test(c.message)));
    assert.ok(steps.some((i) => i.step >= 1 && i.label.startsWith('Step ')), `steps offered: ${JSON.stringify(steps.map((i) => i.label))}`);
    assert.match(preview, /notes\.txt/);
    assert.ok(readFileSync(file).equals(original), `after the rewind: ${JSON.stringify(readFileSync(file, 'utf8'))}`);

    undo.resolve('Undo');
    await command;
    await waitFor('the undo notification', () => ui.calls.find((c) => c.kind === 'info' && /rewind undone/.test(c.message)));
    assert.ok(readFileSync(file).equals(rewritten), `after the undo: ${JSON.stringify(readFileSync(file, 'utf8'))}`);
    assert.deepEqual(ui.errors(), []);
  });
});
