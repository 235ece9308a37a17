import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { NewEvent, SessionId } from '../../../src/core/store/types';
import { activateExtension, waitFor, workbenchUi } from '../helpers';
import { closeSidebar, commitSteps, readStep, sidebarPanel, sidebarSetup } from '../sidebarFakes';

/**
 * A session's timeline in the real sidebar page as a keyboard user meets it: each step's actions
 * are reached with Tab and run with Enter and Space; Rewind is refused, saying why, while the run
 * is alive, and offered again when it stops; the focus stays where it is while entries come in,
 * while a text is expanded and while the header changes.
 */
describe('Sidebar timeline keys', () => {
  let dir: string;
  let host: StoreHost;
  let provider: SessionsViewProvider;
  let log: vscode.LogOutputChannel;
  let store: CheckpointStore;
  let alive: SessionId;
  let paused: SessionId;
  let growing: SessionId;
  let growingHead: number;
  const live = new Set<string>();
  const panels: vscode.WebviewPanel[] = [];
  /** The commands the page ran for this suite's sessions (not run: they belong to another store). */
  const ran: unknown[][] = [];
  const commands = vscode.commands as { executeCommand: (...a: unknown[]) => Thenable<unknown> };
  const execute = commands.executeCommand;

  before(async function () {
    const ext = await activateExtension();
    if (!(await workbenchUi({ count: 'body' }))) this.skip();
    ({ dir, log, host, provider, store } = await sidebarSetup(ext, 'sidebar keys', live));
    alive = (await store.createSession({ title: 'A session whose run is alive', status: 'waiting' })).id;
    await commitSteps(store, alive, 0, 1, 2, 'A session whose run is alive');
    live.add(alive);
    paused = (await store.createSession({ title: 'A paused session', status: 'paused' })).id;
    await commitSteps(store, paused, 0, 1, 2, 'A paused session');
    growing = (await store.createSession({ title: 'A session still running', status: 'running' })).id;
    growingHead = await commitSteps(store, growing, 0, 1, 1, 'A session still running');
    // Step 2 under way: its call planned and started, no result yet; its result is long (a "Show all").
    growingHead = (await store.commit({ sessionId: growing, expectedHeadSeq: growingHead, events: readStep(2).slice(0, 3), blobs: [], snapshot: () => ({}) })).headSeq;
    live.add(growing);
    await store.updateSession(growing, { stepCount: 2 });
    host.notifyChanged();
    const ours = new Set<unknown>([alive, paused, growing]);
    commands.executeCommand = (...a: unknown[]) => (ours.has(a[1]) ? Promise.resolve(void ran.push(a)) : execute.apply(vscode.commands, a));
  });

  after(async () => {
    commands.executeCommand = execute;
    await closeSidebar({ panels, provider, host, log, dir });
  });

  const header = (title: string) => `.detail-header:has-text("${title}")`;
  const turn = (step: number) => `li.entry-model[title^="step ${step} "]`;
  const call = (step: number) => `li.entry-tool[title^="step ${step} "]`;

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
    const refused = `${steps} vscode-icon.refused[data-action="rewindSession"][title$="pause it first"][aria-disabled="true"]`;
    await workbenchUi({ shot: 'sidebar-step-rewind-refused', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: refused }))?.count, 2, "each step's Rewind is a dimmed icon whose tooltip says why");
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon]:not(.refused)[title^="Rewind"]` }))?.count, 0, 'no Rewind offered');
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon][title^="Fork a new session from step"]` }))?.count, 2, 'Fork only reads the history: offered');
    live.delete(alive);
    await store.updateSession(alive, { status: 'paused' });
    host.notifyChanged();
    await workbenchUi({ wait: `${steps} vscode-icon[action-icon][title="Rewind the workspace to before step 2 (undo this step and everything after it)"]`, shot: 'sidebar-step-rewind-offered', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ count: refused }))?.count, 0);
    assert.equal((await workbenchUi({ count: `${steps} vscode-icon[action-icon]:not(.refused)[title^="Rewind"]` }))?.count, 2, 'both steps offer it again');
    panel.dispose();
  });

  it("reaches every action of a step with Tab and runs it with Enter and with Space", async () => {
    const panel = await openSession('Savepoint sidebar (step keys)', 'A paused session');
    const rewind = `${turn(1)} vscode-icon[title^="Rewind the workspace"]`;
    const fork = `${turn(1)} vscode-icon[title^="Fork a new session"]`;
    const input = `${call(1)} vscode-collapsible[heading="Input"]`;
    await workbenchUi({ focus: `${rewind} button`, press: 'Tab' });
    assert.equal((await workbenchUi({ focused: fork }))?.count, 1, 'Tab goes from Rewind to Fork');
    await workbenchUi({ focus: `${fork} button`, press: 'Tab' });
    assert.equal((await workbenchUi({ focused: input }))?.count, 1, "then to the step's call");
    for (const [key, target, command, arg] of [['Enter', rewind, 'savepoint.rewindSession', 0], ['Space', rewind, 'savepoint.rewindSession', 0], ['Enter', fork, 'savepoint.forkSession', 1], ['Space', fork, 'savepoint.forkSession', 1]] as const) {
      const before = ran.length;
      await workbenchUi({ focus: `${target} button`, press: key });
      const got = await waitFor(`${command} from ${key}`, () => ran[before]);
      assert.deepEqual(got, [command, paused, arg], `${key} on ${target}`);
    }
    for (const [key, open] of [['Space', 1], ['Space', 0], ['Enter', 1]] as const) {
      await workbenchUi({ focus: `${input} .collapsible-header`, press: key });
      await waitFor(`the Input ${open ? 'open' : 'closed'} after ${key}`, async () => ((await workbenchUi({ count: `${input}[open]` }))?.count === open ? true : undefined), 10000);
    }
    assert.equal((await workbenchUi({ count: `${input} .collapsible-header[role="button"][aria-expanded="true"]` }))?.count, 1, 'read out as an open button');
    await workbenchUi({ shot: 'sidebar-step-keys', of: '.editor-group-container' });
    panel.dispose();
  });

  it('keeps the focus where it is while the running session journals its call, on an expanded text, and when its run stops', async () => {
    const panel = await openSession('Savepoint sidebar (focus kept)', 'A session still running');
    // The call under way: its Input has the focus when its result comes and the entry is rebuilt.
    const input = `${call(2)} vscode-collapsible[heading="Input"]`;
    await workbenchUi({ focus: `${input} .collapsible-header` });
    const long: NewEvent[] = readStep(2).slice(3).map((e) => (e.type === 'tool_result' ? ({ ...e, data: { ...(e.data as object), content: 'a long result line\n'.repeat(60) } }) as NewEvent : e));
    growingHead = (await store.commit({ sessionId: growing, expectedHeadSeq: growingHead, events: long, blobs: [], snapshot: () => ({}) })).headSeq;
    growingHead = await commitSteps(store, growing, growingHead, 3, 1);
    host.notifyChanged();
    await workbenchUi({ wait: `${call(2)} vscode-collapsible[heading="Result"]` });
    await workbenchUi({ wait: call(3) });
    assert.equal((await workbenchUi({ focused: input }))?.count, 1, 'the focus is still on the Input of step 2');
    // "Show all" of the long result rebuilds its entry: the focus moves to its "Show less".
    const result = `${call(2)} vscode-collapsible[heading="Result"]`;
    await workbenchUi({ focus: `${result} .collapsible-header`, press: 'Enter' });
    await workbenchUi({ focus: `${result} button.more`, press: 'Enter' });
    await workbenchUi({ wait: `${result} button.more:has-text("Show less")` });
    assert.equal((await workbenchUi({ focused: `${call(2)} button.more` }))?.count, 1, 'the focus is on "Show less"');
    // The run stops: the header's Pause becomes Resume under the focus, which stays in the header.
    await workbenchUi({ focus: `${header('A session still running')} .detail-actions vscode-button:has-text("Pause")` });
    live.delete(growing);
    await store.updateSession(growing, { status: 'paused' });
    host.notifyChanged();
    await workbenchUi({ wait: `${header('A session still running')} .detail-actions vscode-button:has-text("Resume")`, shot: 'sidebar-focus-kept', of: '.editor-group-container' });
    assert.equal((await workbenchUi({ focused: '.detail-actions vscode-button' }))?.count, 1, 'the focus is on Resume');
    panel.dispose();
  });

  it('a long timeline that drops its oldest entries while one of them has the focus: the focus goes to "Show earlier entries", not to the page', async () => {
    const title = 'A long session that grows';
    const id = (await store.createSession({ title, status: 'running' })).id;
    const head = await commitSteps(store, id, 0, 1, 100, title);
    live.add(id);
    await store.updateSession(id, { stepCount: 100 });
    host.notifyChanged();
    const panel = await openSession('Savepoint sidebar (focus on a dropped entry)', title);
    const page = `${header(title)} ~ ol.timeline`;
    await workbenchUi({ focus: `${page} ${call(1)} vscode-collapsible[heading="Input"] .collapsible-header` });
    // 200 entries more while the reader is up the page: the 200 oldest leave it, the focused one among them.
    await commitSteps(store, id, head, 101, 100);
    await store.updateSession(id, { stepCount: 200 });
    host.notifyChanged();
    await workbenchUi({ wait: `${page} ${call(200)}` });
    await waitFor('the oldest entries dropped', async () => ((await workbenchUi({ count: `${page} ${call(1)}` }))?.count === 0 ? true : undefined));
    // `focused` takes plain CSS (no :has-text): the page of this session is the one whose list has the focus.
    assert.equal((await workbenchUi({ focused: 'ol.timeline li.more-earlier vscode-button' }))?.count, 1, 'the focus is on "Show earlier entries"');
    live.delete(id);
    panel.dispose();
  });
});
