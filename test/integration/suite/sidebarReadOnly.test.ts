import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import { StoreHost } from '../../../src/extension/storeHost';
import { encodeMessage, hashMessage } from '../../../src/core/runner/sessionJournal';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { NewEvent } from '../../../src/core/store/types';
import { activateExtension, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, contextIn, said, sidebarPanel, sidebarSetup } from '../sidebarFakes';

/**
 * A window whose store another window holds shows its sessions read-only. Its rows, headers and
 * steps offered Resume, Cancel, Rewind, Fork and "Answer it now", and each click only got an error.
 * Here a second store host on the same storage opens read-only, as a second window does.
 */
describe('Sidebar read-only (another window holds the store)', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let second: StoreHost;
  let secondProvider: SessionsViewProvider;
  const panels: vscode.WebviewPanel[] = [];
  const title = 'A session waiting in the other window';

  before(async () => {
    const ext = await activateExtension();
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar read-only'));
    const s = await store.createSession({ title, status: 'waiting' });
    const head = await commitSteps(store, s.id, 0, 1, 2, title);
    const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };
    const asking: NewEvent[] = [
      { step: 3, type: 'model_turn', data: { turn: 3, message: hashMessage(said), calls: [{ id: 'c3', name: 'edit_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] } },
      { step: 3, type: 'tool_planned', data: { callId: 'c3', name: 'edit_file', category: 'mutate', input: { path: 'a.ts' } } },
      { step: 3, type: 'approval_requested', data: { approvalId: 'tool:c3:9', kind: 'tool', callId: 'c3', name: 'edit_file', input: {}, reasons: ['mutate tools ask'], requestedAt: Date.now() - 60_000 } },
    ];
    await store.commit({ sessionId: s.id, expectedHeadSeq: head, events: asking, blobs: [{ content: encodeMessage(said) }], snapshot: () => ({}) });
    await store.updateSession(s.id, { stepCount: 3 });
    second = new StoreHost(contextIn(dir), log);
    const state = await second.get();
    assert.equal(state.readOnly, true, 'the second host opens the held store read-only');
    secondProvider = new SessionsViewProvider(ext.extensionUri, second, log);
  });

  after(async () => {
    secondProvider?.dispose();
    await second?.dispose();
    await closeSidebar({ panels, provider, host, log, dir });
  });

  it('the real page offers nothing that changes the store, and says why and what to do', async function () {
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    await sidebarPanel(secondProvider, 'Savepoint sidebar (read-only)', panels);
    const row = `li.session[title="${title}"]`;
    await workbenchUi({ wait: row });
    assert.equal((await workbenchUi({ count: `.banner:has-text("shown read-only. To work with them here, close that window: this one takes them over when you come back to it.")` }))?.count, 1);
    assert.equal((await workbenchUi({ count: `${row} .actions vscode-icon` }))?.count, 0, 'no Answer, Pause or Cancel on the row');
    await workbenchUi({ click: row });
    const header = `.detail-header:has-text("${title}")`;
    await workbenchUi({ wait: `${header} ~ ol.timeline li.entry-approval` });
    await workbenchUi({ shot: 'sidebar-read-only', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: `${header} .detail-actions vscode-button` }))?.count, 0, 'no Answer, Cancel, Rewind or Fork in the header');
    assert.equal((await workbenchUi({ count: 'li.entry-approval vscode-icon[title="Answer it now"]' }))?.count, 0, 'the other window asks the question');
    const steps = `${header} ~ ol.timeline li.entry-model`;
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon]:not(.refused)` }))?.count, 0, 'no step action offered');
    const why = "unavailable here: another window is using this workspace's sessions (they are read-only in this one)";
    assert.ok(((await workbenchUi({ count: `${steps} vscode-icon.refused[data-action="forkSession"][title$="${why}"]` }))?.count ?? 0) >= 2, "each step's Fork says why");
    assert.ok(((await workbenchUi({ count: `${steps} vscode-icon.refused[data-action="rewindSession"][title$="${why}"]` }))?.count ?? 0) >= 2, "each step's Rewind says why");
  });
});
