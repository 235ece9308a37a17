import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import { StoreHost } from '../../../src/extension/storeHost';
import { activateExtension, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, contextIn, sidebarPanel } from '../sidebarFakes';

/**
 * The real sidebar page in a light theme and in both high-contrast themes: the list with a row
 * under the pointer and one under the focus, and a timeline with a step's action under the focus
 * and another under the pointer. Screenshots for the eye (sidebar-theme-*); the theme the editor
 * had is put back for the suites after this one.
 */
describe('Sidebar themes', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  const panels: vscode.WebviewPanel[] = [];
  const workbench = () => vscode.workspace.getConfiguration('workbench');
  let previous: string | undefined;
  const live = new Set<string>();

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    previous = workbench().inspect<string>('colorTheme')?.globalValue;
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-sidebar-themes-'));
    log = vscode.window.createOutputChannel('Savepoint integration (sidebar themes)', { log: true });
    host = new StoreHost(contextIn(dir), log);
    provider = new SessionsViewProvider(ext.extensionUri, host, log, undefined, (id) => live.has(id));
    const store = (await host.get()).store;
    assert.ok(store);
    for (const [title, status, steps] of [['A running session', 'running', 2], ['A paused session', 'paused', 2], ['A failed session', 'failed', 1], ['A completed session', 'completed', 1]] as const) {
      const s = await store.createSession({ title, status });
      await commitSteps(store, s.id, 0, 1, steps, title);
      await store.updateSession(s.id, { stepCount: steps });
      if (status === 'running') live.add(s.id);
    }
    host.notifyChanged();
  });

  after(async () => {
    await workbench().update('colorTheme', previous, vscode.ConfigurationTarget.Global);
    await closeSidebar({ panels, provider, host, log, dir });
  });

  it('shows the list and a timeline in Light Modern, High Contrast and High Contrast Light', async () => {
    await sidebarPanel(provider, 'Savepoint sidebar (themes)', panels);
    const of = '.editor-group-container';
    const turn = (step: number) => `li.entry-model[title^="step ${step} "]`;
    for (const [theme, cls, slug] of [['Default Light Modern', 'vscode-light', 'light'], ['Default High Contrast', 'vscode-high-contrast', 'hc-dark'], ['Default High Contrast Light', 'vscode-high-contrast-light', 'hc-light']] as const) {
      await workbench().update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await workbenchUi({ wait: `body.${cls} li.session[title="A paused session"]` });
      await workbenchUi({ focus: 'li.session[title="A running session"] button.open' });
      await workbenchUi({ hover: 'li.session[title="A paused session"] .meta', shot: `sidebar-theme-${slug}-list`, of });
      await workbenchUi({ click: 'li.session[title="A paused session"] button.open' });
      await workbenchUi({ wait: `${turn(2)} vscode-icon[title^="Fork a new session"]` });
      await workbenchUi({ focus: `${turn(1)} vscode-icon[title^="Fork a new session"] button` });
      await workbenchUi({ hover: `${turn(2)} vscode-icon[title^="Rewind the workspace"]`, shot: `sidebar-theme-${slug}-timeline`, of });
      await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
      await workbenchUi({ click: 'li.session[title="A running session"] button.open' });
      await workbenchUi({ hover: `${turn(2)} vscode-icon[title^="Rewind the workspace"]`, shot: `sidebar-theme-${slug}-running`, of });
      await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    }
  });
});
