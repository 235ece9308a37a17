import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { SessionId } from '../../../src/core/store/types';
import type { HostMessage } from '../../../src/shared/protocol';
import { GROUP_PAGE } from '../../../src/shared/sessionGroups';
import { activateExtension, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, recording, sidebarPanel, viewOf, sidebarSetup } from '../sidebarFakes';

/**
 * The session list of the real sidebar page as a keyboard and screen-reader user meets it: the
 * focus stays where it is while sessions change, a row opens with Enter and Space, its elapsed
 * time moves on, and what the host reveals is shown.
 */
describe('Sidebar list', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let running: SessionId;
  let runningHead: number;
  let waiting: SessionId;
  const live = new Set<string>();
  const panels: vscode.WebviewPanel[] = [];

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar list', live));
    running = (await store.createSession({ title: 'A running session', status: 'running' })).id;
    runningHead = await commitSteps(store, running, 0, 1, 1, 'A running session');
    waiting = (await store.createSession({ title: 'A waiting session', status: 'waiting' })).id;
    await commitSteps(store, waiting, 0, 1, 1, 'A waiting session');
    host.notifyChanged();
  });

  after(() => closeSidebar({ panels, provider, host, log, dir }));

  /** The real page in an editor tab, showing the list. */
  async function openPage(name: string): Promise<{ panel: vscode.WebviewPanel; posted: HostMessage[] }> {
    const { panel, posted } = await sidebarPanel(provider, name, panels);
    await workbenchUi({ wait: 'li.session[title="A running session"]' });
    return { panel, posted };
  }

  const openButton = (title: string) => `li.session[title="${title}"] button.open`;
  // Scoped to the session's own header: the real sidebar of the editor may show another session's.
  const header = (title: string) => `.detail-header:has-text("${title}")`;

  it("keeps the keyboard focus on a row's button while its session changes at every step", async () => {
    const { panel } = await openPage('Savepoint sidebar (focus)');
    await workbenchUi({ focus: openButton('A running session') });
    await workbenchUi({ mark: openButton('A running session') });
    for (const step of [2, 3]) {
      runningHead = await commitSteps(store, running, runningHead, step, 1);
      await store.updateSession(running, { stepCount: step });
      host.notifyChanged();
      await workbenchUi({ wait: `li.session[title="A running session"] .meta:has-text("${step} steps")` });
    }
    await workbenchUi({ shot: 'sidebar-list-focus', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ focused: openButton('A running session') }))?.count, 1, 'the focus is still on the same row');
    assert.equal((await workbenchUi({ count: `${openButton('A running session')}[data-probe]` }))?.count, 1, 'the same element: updated in place');
    panel.dispose();
  });

  it('opens a row with Space and with Enter, from a real button; its actions are buttons beside it, not inside', async () => {
    const { panel } = await openPage('Savepoint sidebar (keys)');
    assert.equal((await workbenchUi({ count: 'li.session[role], li.session[tabindex]' }))?.count, 0, 'a row is a plain list item');
    assert.equal((await workbenchUi({ count: 'li.session button.open vscode-icon, li.session button.open button' }))?.count, 0, 'no button inside the open button');
    assert.equal((await workbenchUi({ count: 'li.session[title="A running session"] > .actions vscode-icon[title="Pause"]' }))?.count, 1, 'the actions beside it');
    for (const key of ['Space', 'Enter']) {
      await workbenchUi({ focus: openButton('A waiting session'), press: key });
      await workbenchUi({ wait: header('A waiting session') });
      await workbenchUi({ click: `${header('A waiting session')} vscode-icon[title="Back to the sessions"]` });
      await workbenchUi({ wait: openButton('A waiting session') });
    }
    panel.dispose();
  });

  it('writes "updated … ago" again as time passes, without any change of the session', async () => {
    // Updated now: the page first says a second or two ago.
    await store.updateSession(waiting, { stepCount: 1 });
    host.notifyChanged();
    const { panel } = await openPage('Savepoint sidebar (ago)');
    // The page writes elapsed times every 15 s: wait until it has written this one at least once.
    await workbenchUi({ wait: 'li.session[title="A waiting session"] .meta:text-matches("· (1\\\\d|[2-9]\\\\d)s ago$")', shot: 'sidebar-list-ago', of: '.editor-group-container' });
    panel.dispose();
  });

  it("offers no Rewind on a waiting session while its run is alive, and offers it once the run stopped", async () => {
    live.add(waiting);
    host.notifyChanged();
    const { panel } = await openPage('Savepoint sidebar (rewind)');
    await workbenchUi({ click: 'li.session[title="A waiting session"]' });
    await workbenchUi({ wait: `${header('A waiting session')} .detail-actions vscode-button:has-text("Pause")` });
    assert.equal((await workbenchUi({ count: `${header('A waiting session')} .detail-actions vscode-button:has-text("Rewind")` }))?.count, 0, 'no Rewind while the run is alive');
    live.delete(waiting);
    host.notifyChanged();
    await workbenchUi({ wait: `${header('A waiting session')} .detail-actions vscode-button:has-text("Rewind")`, shot: 'sidebar-rewind-after-pause', of: '.editor-group-container' });
    panel.dispose();
  });

  it('shows the session the host reveals (Show on the restart notice), in a page already open and in one built after', async () => {
    const { panel } = await openPage('Savepoint sidebar (reveal)');
    await provider.reveal(waiting);
    await workbenchUi({ wait: header('A waiting session'), shot: 'sidebar-revealed', of: '.editor-group-container' });
    const gone = new Promise<void>((r) => panel.onDidDispose(() => r()));
    panel.dispose();
    await gone;
    await provider.reveal(running);
    const posted: HostMessage[] = [];
    const again = vscode.window.createWebviewPanel('savepoint.integrationSidebar', 'Savepoint sidebar (revealed later)', vscode.ViewColumn.One, { enableScripts: true });
    panels.push(again);
    provider.resolveWebviewView(viewOf(recording(again.webview, posted).webview, again.onDidDispose));
    await workbenchUi({ wait: header('A running session') });
    again.dispose();
  });

  it("says which session's command a session's command waits for, in its row and its header, and running again after", async () => {
    const queued = (await store.createSession({ title: 'A queued session', status: 'running' })).id;
    await commitSteps(store, queued, 0, 1, 1, 'A queued session');
    await store.updateSession(queued, { queued: { behind: running } });
    host.notifyChanged();
    const { panel } = await openPage('Savepoint sidebar (queued)');
    const row = 'li.session[title="A queued session"]';
    await workbenchUi({ wait: `${row} .pending:has-text('Waiting its turn: a command of "A running session" runs in this folder')` });
    assert.equal((await workbenchUi({ count: `${row} .codicon-watch` }))?.count, 1, 'a watch, not the spinning sync of a running command');
    await workbenchUi({ click: `${row} button.open` });
    await workbenchUi({ wait: `${header('A queued session')} .status-badge:has-text("Waiting its turn")`, shot: 'sidebar-queued-command', of: '.editor-group-container' });
    await store.updateSession(queued, { queued: null });
    host.notifyChanged();
    await workbenchUi({ wait: `${header('A queued session')} .status-badge:has-text("Running")` });
    assert.equal((await workbenchUi({ count: `${row} .pending` }))?.count, 0, 'its turn came: nothing said of a wait');
    panel.dispose();
  });

  // Last: the sessions it adds stay. A list of every session rebuilt at each change of a running one held the page.
  it('lists 300 finished sessions a page at a time: the newest first, and "Show more" for the rest', async () => {
    for (let n = 0; n < 300; n++) await store.createSession({ title: `Finished ${n}`, status: 'completed' });
    host.notifyChanged();
    const { panel } = await openPage('Savepoint sidebar (many)');
    const rows = 'section[data-group="completed"] li.session';
    await workbenchUi({ wait: 'li.session[title="Finished 299"]' });
    assert.equal((await workbenchUi({ count: rows }))?.count, GROUP_PAGE, 'one page of the finished sessions');
    assert.equal((await workbenchUi({ count: 'li.session[title="Finished 0"]' }))?.count, 0, 'the oldest wait for Show more');
    await workbenchUi({ wait: 'section[data-group="completed"] button.show-more:has-text("Show 50 more of 250")', shot: 'sidebar-many-sessions', of: '.editor-group-container' });
    await workbenchUi({ click: 'section[data-group="completed"] button.show-more' });
    await workbenchUi({ wait: `${rows}:nth-child(${2 * GROUP_PAGE})` });
    assert.equal((await workbenchUi({ count: rows }))?.count, 2 * GROUP_PAGE, 'a page more');
    panel.dispose();
  });
});
