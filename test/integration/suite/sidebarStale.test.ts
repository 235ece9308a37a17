import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import { encodeMessage, hashMessage } from '../../../src/core/runner/sessionJournal';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { NewEvent } from '../../../src/core/store/types';
import type { HostMessage } from '../../../src/shared/protocol';
import { activateExtension, sleep, waitFor, WindowStub, workbenchUi } from '../helpers';
import { closeSidebar, recording, said, sidebarPanel, sidebarSetup, viewOf } from '../sidebarFakes';

/**
 * What the sidebar's buttons do when what they were drawn for is gone or the click came twice: an
 * action on a session deleted meanwhile says so and runs nothing; a double click asks once; the
 * question of a cancelled session is no longer offered to be answered.
 */
describe('Sidebar stale and repeated actions', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let ui: WindowStub;
  const panels: vscode.WebviewPanel[] = [];
  const disposed = new vscode.EventEmitter<void>();

  before(async () => {
    const ext = await activateExtension();
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar stale'));
  });
  beforeEach(() => (ui = new WindowStub().install()));
  afterEach(() => ui.restore());
  after(() => closeSidebar({ panels, provider, host, log, dir }));

  /** A recorded page that said ready and got its bootstrap. */
  async function page(): Promise<{ send: (m: unknown) => void; posted: HostMessage[] }> {
    const posted: HostMessage[] = [];
    const { webview, send } = recording(undefined, posted);
    provider.resolveWebviewView(viewOf(webview, disposed.event));
    send({ method: 'ready' });
    await waitFor('the bootstrap', () => posted.find((m) => m.method === 'bootstrap'));
    return { send, posted };
  }

  it('an action on a session deleted meanwhile says the session no longer exists and runs nothing', async () => {
    const s = await store.createSession({ title: 'Deleted meanwhile', status: 'paused' });
    const { send } = await page();
    await store.deleteSession(s.id, 'deleted by the user');
    send({ method: 'command/run', params: { command: 'resumeSession', sessionId: s.id } });
    send({ method: 'command/run', params: { command: 'rewindSession', sessionId: s.id, step: 1 } });
    await waitFor('the warning', () => ui.calls.find((c) => c.kind === 'warning' && /no longer exists/.test(c.message)));
    await sleep(1500);
    assert.deepEqual(ui.errors(), [], 'no error: nothing was tried');
    assert.deepEqual(ui.calls.filter((c) => c.kind === 'quickPick' || c.kind === 'inputBox'), [], 'no question of the rewind was asked');
    assert.match(ui.calls.find((c) => c.kind === 'warning')?.message ?? '', /^Savepoint: that session no longer exists \(it was deleted\), so nothing was done\.$/);
  });

  it('a double click on Cancel asks once', async () => {
    const s = await store.createSession({ title: 'Cancelled with a double click', status: 'paused' });
    const { send } = await page();
    ui.on('warning', /Cancel this session/, () => sleep(300).then(() => undefined));
    send({ method: 'command/run', params: { command: 'cancelSession', sessionId: s.id } });
    send({ method: 'command/run', params: { command: 'cancelSession', sessionId: s.id } });
    await waitFor('the question', () => ui.calls.find((c) => c.kind === 'warning' && /Cancel this session/.test(c.message)));
    await sleep(1500);
    assert.equal(ui.calls.filter((c) => /Cancel this session/.test(c.message)).length, 1);
  });

  it('the real page: the question of a cancelled session offers no Answer and no longer counts the wait', async function () {
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    const title = 'A cancelled question';
    const s = await store.createSession({ title, status: 'failed' });
    const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };
    const events: NewEvent[] = [
      { step: 0, type: 'session_started', data: { task: title, system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: hashMessage(said) } },
      { step: 1, type: 'model_turn', data: { turn: 1, message: hashMessage(said), calls: [{ id: 'c1', name: 'edit_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] } },
      { step: 1, type: 'tool_planned', data: { callId: 'c1', name: 'edit_file', category: 'mutate', input: { path: 'a.ts' } } },
      { step: 1, type: 'approval_requested', data: { approvalId: 'tool:c1:4', kind: 'tool', callId: 'c1', name: 'edit_file', input: {}, reasons: ['mutate tools ask'], requestedAt: Date.now() - 60_000 } },
      { step: 1, type: 'status', data: { status: 'failed', reason: 'cancelled by the user' } },
    ];
    await store.commit({ sessionId: s.id, expectedHeadSeq: 0, events, blobs: [{ content: encodeMessage(said) }], snapshot: () => ({}) });
    host.notifyChanged();
    await sidebarPanel(provider, 'Savepoint sidebar (cancelled question)', panels);
    await workbenchUi({ click: `li.session[title="${title}"]` });
    await workbenchUi({ wait: 'li.entry-approval .verdict', shot: 'sidebar-cancelled-question', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: 'li.entry-approval vscode-icon[title="Answer it now"]' }))?.count, 0, 'no Answer: it would set the cancelled session going again');
    assert.equal((await workbenchUi({ count: 'li.entry-approval .verdict:has-text("Waiting for you")' }))?.count, 0);
    assert.equal((await workbenchUi({ count: 'li.entry-approval .verdict:has-text("Not answered: the session stopped")' }))?.count, 1);
  });
});
