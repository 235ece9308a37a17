import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import { StoreHost } from '../../../src/extension/storeHost';
import type { HostMessage } from '../../../src/shared/protocol';
import { encodeMessage, hashMessage } from '../../../src/core/runner/sessionJournal';
import type { NewEvent } from '../../../src/core/store/types';
import { activateExtension, sleep, waitFor, WindowStub, workbenchUi } from '../helpers';
import { contextIn, readStep, recording, said, viewOf } from '../sidebarFakes';

describe('Sidebar handshake', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  const disposables: vscode.Disposable[] = [];

  before(async () => {
    const ext = await activateExtension();
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-sidebar-'));
    log = vscode.window.createOutputChannel('Savepoint integration (sidebar)', { log: true });
    host = new StoreHost(contextIn(dir), log);
    provider = new SessionsViewProvider(ext.extensionUri, host, log);
  });

  after(async () => {
    for (const d of disposables) d.dispose();
    provider.dispose();
    await host.dispose();
    log.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends nothing before ready, answers ready with a bootstrap snapshot, drops malformed messages, sequences changes, runs commands', async () => {
    const posted: HostMessage[] = [];
    const { webview, send } = recording(undefined, posted);
    const disposed = new vscode.EventEmitter<void>();
    provider.resolveWebviewView(viewOf(webview, disposed.event));
    assert.match(webview.html, /Content-Security-Policy/);
    assert.equal((webview.options as vscode.WebviewOptions).enableScripts, true);

    host.notifyChanged();
    await sleep(300);
    assert.equal(posted.length, 0, 'nothing is sent before the page says ready');

    send({ method: 'ready', extra: 'not in the protocol' });
    send({ method: 'command/run', params: { command: 'rm -rf /' } });
    await sleep(300);
    assert.equal(posted.length, 0, 'malformed messages are dropped');

    send({ method: 'ready' });
    const boot = await waitFor('the bootstrap', () => posted.find((m) => m.method === 'bootstrap'));
    assert.ok(boot.method === 'bootstrap');
    assert.deepEqual(boot.params.sessions, []);
    assert.deepEqual(boot.params.store, { readOnly: false, error: null });
    const seq0 = boot.params.seq;

    const { store } = await host.get();
    assert.ok(store, 'the store opened');
    const created = await store.createSession({ title: 'made while the sidebar is open', status: 'running' });
    host.notifyChanged();
    const change = await waitFor('sessions/changed', () => posted.find((m) => m.method === 'sessions/changed'));
    assert.ok(change.method === 'sessions/changed');
    assert.equal(change.params.seq, seq0 + 1, 'the next seq');
    assert.deepEqual(change.params.sessions.map((s) => [s.id, s.title, s.status]), [[created.id, 'made while the sidebar is open', 'running']]);

    // A second ready means the page reloaded: a fresh snapshot, not a replay.
    posted.length = 0;
    send({ method: 'ready' });
    const again = await waitFor('the second bootstrap', () => posted.find((m) => m.method === 'bootstrap'));
    assert.ok(again.method === 'bootstrap');
    assert.equal(again.params.sessions.length, 1);
    assert.ok(again.params.seq >= seq0 + 1);

    // The page's buttons run the extension's own commands through `command/run`.
    const ui = new WindowStub().install();
    try {
      send({ method: 'command/run', params: { command: 'showStoreInfo' } });
      await waitFor('Show Store Info run from the sidebar', () => ui.calls.find((c) => c.kind === 'info' && /store read-write at /.test(c.message)));
    } finally {
      ui.restore();
    }

    disposed.fire();
    posted.length = 0;
    host.notifyChanged();
    await sleep(300);
    assert.equal(posted.length, 0, 'a disposed view gets nothing');
  });

  it('the real sidebar page, loaded in a webview of this editor, says ready and gets its bootstrap', async () => {
    const panel = vscode.window.createWebviewPanel('savepoint.integrationSidebar', 'Savepoint sidebar (integration test)', vscode.ViewColumn.One, { enableScripts: true });
    disposables.push(panel);
    const posted: HostMessage[] = [];
    const { webview } = recording(panel.webview, posted);
    provider.resolveWebviewView(viewOf(webview, panel.onDidDispose));
    const boot = await waitFor('a bootstrap answering the page\'s own ready', () => posted.find((m) => m.method === 'bootstrap'), 60000);
    assert.ok(boot.method === 'bootstrap');
    assert.equal(boot.params.sessions.length, 1);
    panel.dispose();
  });

  it('the real page: a long session opens with its newest entries and shows earlier ones on request; the header keeps its buttons across changes; a deleted session says it is gone', async function () {
    const { store } = await host.get();
    assert.ok(store);
    const long = await store.createSession({ title: 'A long session', status: 'running' });
    const first: NewEvent = { step: 0, type: 'session_started', data: { task: 'A long session', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: hashMessage(said) } };
    let head = 0;
    for (let from = 1; from <= 300; from += 100) {
      const events = [...(head === 0 ? [first] : []), ...Array.from({ length: 100 }, (_, i) => readStep(from + i)).flat()];
      head = (await store.commit({ sessionId: long.id, expectedHeadSeq: head, events, blobs: head === 0 ? [{ content: encodeMessage(said) }] : [], snapshot: () => ({}) })).headSeq;
    }
    host.notifyChanged();
    const panel = vscode.window.createWebviewPanel('savepoint.integrationSidebar', 'Savepoint sidebar (long session)', vscode.ViewColumn.One, { enableScripts: true });
    disposables.push(panel);
    const posted: HostMessage[] = [];
    provider.resolveWebviewView(viewOf(recording(panel.webview, posted).webview, panel.onDidDispose));
    await waitFor('the bootstrap', () => posted.find((m) => m.method === 'bootstrap'), 60000);
    if (!(await workbenchUi({ click: 'li.session[title="A long session"]' }))) {
      panel.dispose();
      this.skip();
    }
    // 601 entries: the task, and a turn and a call per step. The page gets and builds the newest 200.
    const snap = await waitFor('the snapshot', () => posted.find((m) => m.method === 'timeline/snapshot'));
    assert.ok(snap.method === 'timeline/snapshot');
    assert.equal(snap.params.timeline.entries.length, 200);
    assert.equal(snap.params.timeline.earlier, 401);
    await workbenchUi({ wait: 'li.more-earlier vscode-button', shot: 'sidebar-long-session', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: 'li.entry' }))?.count, 200);
    assert.equal((await workbenchUi({ count: 'h2.detail-title[dir="auto"]' }))?.count, 1, 'a title in any script reads in its own direction');
    await workbenchUi({ click: 'li.more-earlier vscode-button' });
    await waitFor('the earlier page', () => posted.find((m) => m.method === 'timeline/earlier'));
    await waitFor('400 entries on the page', async () => ((await workbenchUi({ count: 'li.entry' }))?.count === 400 ? true : undefined));

    // A change of the running session (a step, its counts) leaves the header's buttons where they are.
    await workbenchUi({ mark: '.detail-actions vscode-button' });
    const changes = posted.filter((m) => m.method === 'sessions/changed').length;
    await store.updateSession(long.id, { stepCount: 301 });
    host.notifyChanged();
    await waitFor('the change', () => (posted.filter((m) => m.method === 'sessions/changed').length > changes ? true : undefined));
    await workbenchUi({ wait: '.detail-meta:has-text("301 steps")' });
    assert.equal((await workbenchUi({ count: '.detail-actions vscode-button[data-probe]' }))?.count, 1, 'the Pause button is the same element: a click on it is not lost');

    // Deleted while open: the page says so instead of showing the timeline as if nothing happened.
    await store.deleteSession(long.id, 'deleted by the user');
    host.notifyChanged();
    await workbenchUi({ wait: 'li.gone', shot: 'sidebar-deleted-session', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: 'li.entry' }))?.count, 0);
    panel.dispose();
  });
});
