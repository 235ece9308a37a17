import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { SessionId } from '../../../src/core/store/types';
import { activateExtension, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, contextIn, sidebarPanel } from '../sidebarFakes';

/**
 * A session's timeline in the real sidebar page: a step's Rewind is refused, saying why, while the
 * run is alive, and offered again when it stops.
 */
describe('Sidebar timeline run lock', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let alive: SessionId;
  const live = new Set<string>();
  const panels: vscode.WebviewPanel[] = [];

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-sidebar-keys-'));
    log = vscode.window.createOutputChannel('Savepoint integration (sidebar keys)', { log: true });
    host = new StoreHost(contextIn(dir), log);
    provider = new SessionsViewProvider(ext.extensionUri, host, log, undefined, (id) => live.has(id));
    const opened = (await host.get()).store;
    assert.ok(opened);
    store = opened;
    alive = (await store.createSession({ title: 'A session whose run is alive', status: 'waiting' })).id;
    await commitSteps(store, alive, 0, 1, 2, 'A session whose run is alive');
    live.add(alive);
    host.notifyChanged();
  });

  after(() => closeSidebar({ panels, provider, host, log, dir }));

  const header = (title: string) => `.detail-header:has-text("${title}")`;
  const turn = (step: number) => `li.entry-model[title^="step ${step} "]`;

  async function openSession(name: string, title: string): Promise<vscode.WebviewPanel> {
    const { panel } = await sidebarPanel(provider, name, panels);
    await workbenchUi({ click: `li.session[title="${title}"]` });
    await workbenchUi({ wait: `${header(title)} ~ ol.timeline ${turn(1)}` });
    return panel;
  }

  it("refuses a step's Rewind while the session's run is alive, saying why, and offers it again once the run stopped", async () => {
    const panel = await openSession('Savepoint sidebar (run alive)', 'A session whose run is alive');
    // Scoped to this session's page: the editor's own sidebar may show another session's timeline.
    const steps = `${header('A session whose run is alive')} ~ ol.timeline li.entry-model`;
    const refused = `${steps} vscode-icon.refused[data-action="rewindSession"][title$="pause it first"]:not([action-icon])`;
    await workbenchUi({ shot: 'sidebar-step-rewind-refused', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: refused }))?.count, 2, "each step's Rewind is a dimmed icon whose tooltip says why");
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon][title^="Rewind"]` }))?.count, 0, 'no Rewind button to click');
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon][title^="Fork a new session from step"]` }))?.count, 2, 'Fork only reads the history: offered');
    live.delete(alive);
    await store.updateSession(alive, { status: 'paused' });
    host.notifyChanged();
    await workbenchUi({ wait: `${steps} vscode-icon[action-icon][title="Rewind the workspace to before step 2 (undo this step and everything after it)"]`, shot: 'sidebar-step-rewind-offered', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: refused }))?.count, 0);
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon][title^="Rewind"]` }))?.count, 2, 'both steps offer it again');
    panel.dispose();
  });
});
