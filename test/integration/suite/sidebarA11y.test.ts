import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { NewEvent, SessionId } from '../../../src/core/store/types';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import { activateExtension, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, sidebarPanel, sidebarSetup } from '../sidebarFakes';

/**
 * The real sidebar page as a keyboard-only or screen-reader user meets it, in the themes and
 * settings such a user picks: where the focus goes when a session opens and closes, what a screen
 * reader is told of each step, the motion VS Code was asked to reduce, the contrast of the words,
 * and a narrow sidebar.
 */
describe('Sidebar a11y', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  const live = new Set<string>();
  const panels: vscode.WebviewPanel[] = [];
  const workbench = () => vscode.workspace.getConfiguration('workbench');
  let previousTheme: string | undefined;
  const text = (s: string) => new TextEncoder().encode(s);
  const before1 = text('export const a = 1;\n');
  const after1 = text('export const a = 2;\nexport const b = 3;\n');

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    previousTheme = workbench().inspect<string>('colorTheme')?.globalValue;
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar a11y', live));
    for (const [title, status] of [['A running session', 'running'], ['A waiting session', 'waiting'], ['A completed session', 'completed']] as const) {
      const s: SessionId = (await store.createSession({ title, status })).id;
      let head = await commitSteps(store, s, 0, 1, 2, title);
      // Step 3 writes three files: one made, one deleted, one changed (its two versions stored); the waiting session asks first.
      const events: NewEvent[] = [
        { step: 3, type: 'tool_planned', data: { callId: 'w3', name: 'write_file', category: 'mutate', input: { path: 'src/new.ts' } } },
        { step: 3, type: 'tool_started', data: { callId: 'w3', mutations: [{ path: 'src/new.ts', beforeHash: null, afterHash: hashBytes(after1) }, { path: 'src/old.ts', beforeHash: hashBytes(before1), afterHash: null }, { path: 'src/mod.ts', beforeHash: hashBytes(before1), afterHash: hashBytes(after1) }] } },
      ];
      if (status === 'waiting') events.push({ step: 3, type: 'approval_requested', data: { approvalId: 'tool:w3:9', kind: 'tool', callId: 'w3', name: 'write_file', input: { path: 'src/new.ts' }, reasons: ['mutate tools ask first (approval policy)'], requestedAt: Date.now() - 60_000 } });
      head = (await store.commit({ sessionId: s, expectedHeadSeq: head, events, blobs: [{ content: before1 }, { content: after1 }], snapshot: () => ({}) })).headSeq;
      await store.updateSession(s, { stepCount: 3, ...(status === 'waiting' ? { pendingApproval: { id: 'tool:w3:9', tool: 'write_file', summary: 'src/new.ts', requestedAt: Date.now() - 60_000 } } : {}) });
      if (status === 'running') live.add(s);
    }
    host.notifyChanged();
  });

  after(async () => {
    await workbench().update('colorTheme', previousTheme, vscode.ConfigurationTarget.Global);
    await workbench().update('reduceMotion', undefined, vscode.ConfigurationTarget.Global);
    await closeSidebar({ panels, provider, host, log, dir });
  });

  // A test that failed leaves no page behind for the next one to find.
  afterEach(() => {
    for (const p of panels.splice(0)) p.dispose();
  });

  const row = (title: string) => `li.session[title="${title}"]`;
  const header = (title: string) => `.detail-header:has-text("${title}")`;
  const step3 = (title: string) => `${header(title)} ~ ol.timeline li.entry-tool[title^="step 3 "]`;
  const of = '.editor-group-container';

  async function openPage(name: string): Promise<vscode.WebviewPanel> {
    const { panel } = await sidebarPanel(provider, name, panels);
    await workbenchUi({ wait: row('A waiting session') });
    return panel;
  }

  it("opens a session from the keyboard with the focus on its title, and Back returns it to the session's row", async () => {
    await openPage('Savepoint sidebar (a11y focus)');
    await workbenchUi({ focus: `${row('A waiting session')} button.open`, press: 'Enter' });
    await workbenchUi({ wait: step3('A waiting session') });
    assert.equal((await workbenchUi({ focused: '.detail-title[title="A waiting session"]' }))?.count, 1, 'the focus is on the title of the session opened');
    await workbenchUi({ focus: 'vscode-icon[title="Back to the sessions"] button', press: 'Enter' });
    await workbenchUi({ wait: row('A waiting session') });
    assert.equal((await workbenchUi({ focused: `${row('A waiting session')} button.open` }))?.count, 1, 'Back: the focus is on the row of the session left');
  });

  it("closes a session's timeline with Escape, the focus back on the session's row", async () => {
    await openPage('Savepoint sidebar (a11y escape)');
    await workbenchUi({ focus: `${row('A completed session')} button.open`, press: 'Space' });
    await workbenchUi({ wait: step3('A completed session') });
    await workbenchUi({ focus: `${step3('A completed session')} vscode-collapsible[heading="Input"] .collapsible-header` });
    await workbenchUi({ keys: ['Escape'] });
    await workbenchUi({ wait: row('A completed session') });
    assert.equal((await workbenchUi({ count: header('A completed session') }))?.count, 0, 'Escape went back to the list');
    assert.equal((await workbenchUi({ focused: `${row('A completed session')} button.open` }))?.count, 1, 'the focus is on the row of the session left');
  });

  it("tells a screen reader each call's state and what each file change is", async () => {
    await openPage('Savepoint sidebar (a11y names)');
    await workbenchUi({ click: `${row('A waiting session')} button.open` });
    await workbenchUi({ wait: step3('A waiting session') });
    const call = String((await workbenchUi({ aria: step3('A waiting session') }))?.value);
    assert.match(call, /img "Waiting for your approval"/, call);
    for (const [path, kind] of [['src/new.ts', 'created'], ['src/old.ts', 'deleted'], ['src/mod.ts', 'modified']] as const) {
      const file = String((await workbenchUi({ aria: `${step3('A waiting session')} li.file:has(.path:text-is("${path}"))` }))?.value);
      assert.match(file, new RegExp(`\\b${kind}\\b`), `${path} is said to be ${kind}:\n${file}`);
    }
    const done = String((await workbenchUi({ aria: `${header('A waiting session')} ~ ol.timeline li.entry-tool[title^="step 1 "]` }))?.value);
    assert.match(done, /img "Done"/, done);
  });

  it('names an Input or Result section by its title and its size, apart', async () => {
    await openPage('Savepoint sidebar (a11y sections)');
    await workbenchUi({ click: `${row('A completed session')} button.open` });
    await workbenchUi({ wait: step3('A completed session') });
    const tree = String((await workbenchUi({ aria: `${header('A completed session')} ~ ol.timeline li.entry-tool[title^="step 1 "]` }))?.value);
    assert.match(tree, /button "Input, 21 chars"/, tree);
    assert.match(tree, /button "Result, 17 chars"/, tree);
  });

  it('keeps its icons still when VS Code is set to reduce motion', async () => {
    const spinning = `[...document.querySelectorAll('vscode-icon')].flatMap((i) => [...(i.shadowRoot?.querySelectorAll('.codicon') ?? [])]).filter((c) => c.getAnimations().some((a) => a.playState === 'running')).length`;
    await openPage('Savepoint sidebar (a11y motion)');
    await workbenchUi({ click: `${row('A running session')} button.open` });
    await workbenchUi({ wait: step3('A running session') });
    assert.ok(Number((await workbenchUi({ script: spinning, in: step3('A running session') }))?.value) >= 2, 'the running session and its call spin');
    await workbench().update('reduceMotion', 'on', vscode.ConfigurationTarget.Global);
    await workbenchUi({ wait: `body.vscode-reduce-motion ${step3('A running session')}` });
    assert.equal((await workbenchUi({ script: spinning, in: step3('A running session') }))?.value, 0, 'nothing spins once motion is reduced');
    await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    await workbenchUi({ click: `${row('A running session')} button.open` });
    await workbenchUi({ wait: step3('A running session'), shot: 'sidebar-a11y-reduced-motion', of });
    assert.equal((await workbenchUi({ script: spinning, in: step3('A running session') }))?.value, 0, 'nor in a timeline opened then');
    await workbench().update('reduceMotion', 'off', vscode.ConfigurationTarget.Global);
    await workbenchUi({ wait: `body:not(.vscode-reduce-motion) ${step3('A running session')}` });
    assert.ok(Number((await workbenchUi({ script: spinning, in: step3('A running session') }))?.value) >= 2, 'they spin again once motion is allowed');
  });
});
