import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { SessionId } from '../../../src/core/store/types';
import type { HostMessage } from '../../../src/shared/protocol';
import { activateExtension, typeInField, waitFor, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, sidebarPanel, sidebarSetup } from '../sidebarFakes';

/**
 * What the user keeps while using the real sidebar page: where they scrolled and what they opened
 * (across the view being hidden and a visit to another session), a page that does not grow without
 * end while a session runs, and a waiting approval that is not rebuilt under the pointer.
 */
describe('Sidebar state', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let long: SessionId;
  let longHead: number;
  let short: SessionId;
  let shortHead: number;
  const panels: vscode.WebviewPanel[] = [];

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar state'));
    long = (await store.createSession({ title: 'A long running session', status: 'running' })).id;
    longHead = await commitSteps(store, long, 0, 1, 300, 'A long running session');
    short = (await store.createSession({ title: 'A short session', status: 'waiting' })).id;
    shortHead = await commitSteps(store, short, 0, 1, 1, 'A short session');
    host.notifyChanged();
  });

  after(() => closeSidebar({ panels, provider, host, log, dir }));

  /** The real page in an editor tab, showing `title`'s timeline. */
  async function openPage(name: string, title: string): Promise<{ panel: vscode.WebviewPanel; posted: HostMessage[] }> {
    const { panel, posted } = await sidebarPanel(provider, name, panels);
    await workbenchUi({ click: `li.session[title="${title}"]` });
    await workbenchUi({ wait: 'li.entry' });
    return { panel, posted };
  }

  /** Hides the page behind another editor (then runs `whileHidden`) and shows it again: it is built anew from its saved state. */
  async function hideAndShow(panel: vscode.WebviewPanel, posted: HostMessage[], whileHidden?: () => Promise<void>): Promise<void> {
    const boots = posted.filter((m) => m.method === 'bootstrap').length;
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await waitFor('the page hidden', () => (panel.visible ? undefined : true));
    await whileHidden?.();
    panel.reveal(vscode.ViewColumn.One);
    await waitFor('the page built again', () => (posted.filter((m) => m.method === 'bootstrap').length > boots ? true : undefined), 60000);
    const untitled = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'untitled');
    await vscode.window.tabGroups.close(untitled);
  }

  it('keeps where the user scrolled and the sections they opened when the view is hidden and shown again, and after a visit to another session', async () => {
    const { panel, posted } = await openPage('Savepoint sidebar (state)', 'A long running session');
    // Open the input of a call in the middle of the page (the click scrolls to it).
    await workbenchUi({ click: 'li[data-id="tool:r250"] vscode-collapsible[heading="Input"]' });
    await workbenchUi({ wait: 'li[data-id="tool:r250"] vscode-collapsible[open]' });
    const before = await workbenchUi({ where: 'li.entry' });
    assert.ok(before?.anchor && (before.top ?? 0) > 0, `scrolled into the middle: ${JSON.stringify(before)}`);

    // Hidden behind another editor, the page is torn down; shown again, it is built anew.
    await hideAndShow(panel, posted);
    await workbenchUi({ wait: 'li[data-id="tool:r250"]' });
    const shown = await workbenchUi({ where: 'li.entry', shot: 'sidebar-state-after-hide', of: '.editor-group-container' });
    assert.equal(shown?.anchor, before.anchor, 'the same entry at the top of the view');
    assert.equal((await workbenchUi({ count: 'li[data-id="tool:r250"] vscode-collapsible[open]' }))?.count, 1, 'the input opened is still open');

    // Another session and back.
    await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: 'li.session[title="A short session"]' });
    await workbenchUi({ wait: 'li.entry-model:has-text("Turn 1")' });
    await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: 'li.session[title="A long running session"]' });
    await workbenchUi({ wait: 'li[data-id="tool:r250"]' });
    assert.equal((await workbenchUi({ where: 'li.entry' }))?.anchor, before.anchor, 'back at the same entry after visiting another session');
    panel.dispose();
  });

  it('keeps a step the user went to, not loaded with the newest entries, when the view is hidden and shown again; Show the newest then stays at the end', async () => {
    // The row's step count, which "Go to step" reads (the runner keeps it; these steps were journaled directly).
    await store.updateSession(long, { stepCount: 300 }, { keepUpdatedAt: true });
    host.notifyChanged();
    const { panel, posted } = await openPage('Savepoint sidebar (went to a step)', 'A long running session');
    await typeInField('vscode-textfield.goto-step', '20');
    await workbenchUi({ wait: 'li[data-id="tool:r20"]' });
    await workbenchUi({ wait: 'li.more-later vscode-button:has-text("later entries")' });
    const before = await workbenchUi({ where: 'li.entry' });
    assert.ok(before?.anchor, `an entry at the top of the view: ${JSON.stringify(before)}`);

    // The newest entries the page is built with do not hold step 20: its page comes again, the same entry at the top.
    await hideAndShow(panel, posted);
    await workbenchUi({ wait: 'li[data-id="tool:r20"]' });
    await workbenchUi({ wait: 'li.more-later vscode-button:has-text("later entries")' });
    const shown = await workbenchUi({ where: 'li.entry', shot: 'sidebar-state-step-after-hide', of: '.editor-group-container' });
    assert.equal(shown?.anchor, before.anchor, 'the same entry at the top of the view');
    assert.ok(Math.abs((shown.top ?? 0) - (before.top ?? 0)) < 400, `scrolled to ${shown.top}px, was ${before.top}px`);

    // Show the newest: the end, which hiding and showing keeps (the place on the earlier page is forgotten).
    await workbenchUi({ click: 'li.more-later vscode-button:has-text("Show the newest")' });
    await workbenchUi({ wait: 'li.entry-model:has-text("Turn 300")' });
    await hideAndShow(panel, posted);
    await workbenchUi({ wait: 'li.entry-model:has-text("Turn 300")' });
    assert.equal((await workbenchUi({ count: 'li[data-id="tool:r20"]' }))?.count, 0, 'not back at step 20');
    assert.equal((await workbenchUi({ count: 'li.more-later' }))?.count, 0, 'no later entries: the newest are shown');
    const end = await workbenchUi({ in: 'ol.timeline', script: `(() => { const s = document.scrollingElement; return s.scrollHeight - s.scrollTop - s.clientHeight; })()` });
    assert.ok((end?.value as number) < 40, `${String(end?.value)}px below the view: not at the end`);
    panel.dispose();
  });

  it('opens a session the host reveals (Show on a notice) at its newest entries, not at a step the user went to, in the page shown and in one built again', async () => {
    await store.updateSession(long, { stepCount: 300 }, { keepUpdatedAt: true });
    host.notifyChanged();
    const { panel, posted } = await openPage('Savepoint sidebar (revealed)', 'A long running session');
    const goTo20 = async () => {
      await typeInField('vscode-textfield.goto-step', '20');
      await workbenchUi({ wait: 'li[data-id="tool:r20"]' });
    };
    const atNewest = async (what: string) => {
      await workbenchUi({ wait: 'li.entry-model:has-text("Turn 300")' });
      assert.equal((await workbenchUi({ count: 'li[data-id="tool:r20"]' }))?.count, 0, `${what}: not at step 20`);
      assert.equal((await workbenchUi({ count: 'li.more-later' }))?.count, 0, `${what}: the newest entries`);
    };
    await goTo20();
    await provider.reveal(long);
    await atNewest('revealed in the page shown');
    await goTo20();
    await hideAndShow(panel, posted, () => provider.reveal(long));
    await atNewest('revealed while the page was hidden');
    panel.dispose();
  });

  it("keeps a running session's page bounded as steps arrive: the oldest go behind Show earlier entries", async () => {
    const { panel } = await openPage('Savepoint sidebar (running)', 'A long running session');
    assert.equal((await workbenchUi({ count: 'li.entry' }))?.count, 200);
    await workbenchUi({ scroll: 'li.entry', to: 'end' });
    // 150 more steps: 300 entries, read by the page as the session journals them.
    longHead = await commitSteps(store, long, longHead, 301, 150);
    host.notifyChanged();
    await workbenchUi({ wait: 'li.entry-model:has-text("Turn 450")' });
    assert.equal((await workbenchUi({ count: 'li.entry' }))?.count, 200, 'the newest 200 entries only');
    await workbenchUi({ wait: 'li.more-earlier vscode-button:has-text("701 before these")', shot: 'sidebar-running-bounded', of: '.editor-group-container' });
    const at = await workbenchUi({ where: 'li.entry' });
    assert.ok(at && at.top !== undefined && at.top > 0, 'still following the end');
    panel.dispose();
  });

  it("writes a waiting approval's time again in place: its entry and its Answer button stay the same elements", async () => {
    // Asked now: the page shows a wait of a second or two, and more once it writes the time again.
    await store.commit({
      sessionId: short,
      expectedHeadSeq: shortHead,
      events: [{ step: 2, type: 'approval_requested', data: { approvalId: 'tool:w2:9', kind: 'tool', callId: 'w2', name: 'write_file', input: { path: 'a.ts' }, reasons: ['mutate tools ask first (approval policy)'], requestedAt: Date.now() } }],
      blobs: [],
      snapshot: () => ({}),
    });
    host.notifyChanged();
    const { panel } = await openPage('Savepoint sidebar (approval)', 'A short session');
    await workbenchUi({ mark: 'li.entry-approval vscode-icon[title="Answer it now"]' });
    // The page writes elapsed times every 15 s: wait until it has, at least once.
    await workbenchUi({ wait: 'li.entry-approval .verdict:text-matches("for (1\\\\d|[2-9]\\\\d)s$")' });
    assert.equal((await workbenchUi({ count: 'li.entry-approval vscode-icon[data-probe]' }))?.count, 1, 'the same button: a pointer on it or the focus stays');
    panel.dispose();
  });
});
