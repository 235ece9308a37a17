import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionsViewProvider } from '../../../src/extension/sessionsViewProvider';
import type { StoreHost } from '../../../src/extension/storeHost';
import type { CheckpointStore } from '../../../src/core/store/checkpointStore';
import type { NewEvent, SessionId } from '../../../src/core/store/types';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import { GROUP_PAGE } from '../../../src/shared/sessionGroups';
import { activateExtension, waitFor, workbenchUi } from '../helpers';
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
      // The waiting session's timeline also says an earlier run failed (a note in the error colour).
      if (status === 'waiting') events.unshift({ step: 3, type: 'status', data: { status: 'failed', reason: 'the API was unreachable' } });
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

  it("lets the keyboard reach a step's Rewind while it is unavailable, says why, and runs nothing when it is pressed", async () => {
    const commands = vscode.commands as { executeCommand: (...a: unknown[]) => Thenable<unknown> };
    const execute = commands.executeCommand;
    const ran: unknown[][] = [];
    commands.executeCommand = (...a: unknown[]) => (String(a[0]).startsWith('savepoint.') && a[0] !== 'savepoint.showLogs' ? Promise.resolve(void ran.push(a)) : execute.apply(vscode.commands, a));
    try {
      await openPage('Savepoint sidebar (a11y refused)');
      await workbenchUi({ click: `${row('A running session')} button.open` });
      const turn1 = `${header('A running session')} ~ ol.timeline li.entry-model[title^="step 1 "]`;
      await workbenchUi({ wait: `${turn1} vscode-icon[data-action="forkSession"]` });
      await workbenchUi({ focus: `${turn1} vscode-icon[data-action="forkSession"] button`, press: 'Shift+Tab' });
      assert.equal((await workbenchUi({ focused: 'li.entry-model vscode-icon[data-action="rewindSession"]' }))?.count, 1, 'Shift+Tab from Fork reaches the Rewind beside it');
      const said = String((await workbenchUi({ aria: `${turn1} vscode-icon[data-action="rewindSession"]` }))?.value);
      assert.match(said, /button "Rewind the workspace to before step 1 [^"]*: unavailable while the session runs: pause it first" \[disabled\]/, said);
      await workbenchUi({ keys: ['Enter', 'Space'] });
      const announced = `document.getElementById('announce').textContent.trim()`;
      assert.equal((await workbenchUi({ script: announced, in: header('A running session') }))?.value, 'unavailable while the session runs: pause it first', 'the status region says why');
      await workbenchUi({ wait: `${turn1} .refused-why:text-is("Unavailable while the session runs: pause it first")`, shot: 'sidebar-a11y-refused', of });
      // Fork is offered: what it runs comes after anything the two presses would have run.
      await workbenchUi({ focus: `${turn1} vscode-icon[data-action="forkSession"] button`, press: 'Enter' });
      await waitFor('the fork', () => (ran.length ? true : undefined));
      assert.deepEqual(ran.map((a) => a[0]), ['savepoint.forkSession'], 'the unavailable Rewind ran nothing');
    } finally {
      commands.executeCommand = execute;
    }
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

  it('writes every word at a contrast of 4.5:1 or more against the sidebar and the editor background in the light, dark and high-contrast themes', async () => {
    await openPage('Savepoint sidebar (a11y contrast)');
    const low: Record<string, unknown> = {};
    for (const [theme, cls] of [['Default Light+', 'vscode-light'], ['Default Light Modern', 'vscode-light'], ['Default Dark+', 'vscode-dark'], ['Default Dark Modern', 'vscode-dark'], ['Default High Contrast', 'vscode-high-contrast'], ['Default High Contrast Light', 'vscode-high-contrast-light']] as const) {
      await workbench().update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await workbenchUi({ wait: `body.${cls} ${row('A waiting session')} .extra .pending` });
      // A row under the pointer has the list's hover background under its words.
      await workbenchUi({ hover: `${row('A waiting session')} .meta` });
      const list = (await workbenchUi({ script: lowContrast('*'), in: row('A waiting session') }))?.value;
      await workbenchUi({ click: `${row('A waiting session')} button.open` });
      await workbenchUi({ wait: `${header('A waiting session')} ~ ol.timeline li.entry-approval .verdict` });
      await workbenchUi({ wait: `${step3('A waiting session')} li.file .added` });
      await workbenchUi({ wait: `${header('A waiting session')} ~ ol.timeline li.entry-note.tone-error` });
      const detail = (await workbenchUi({ script: lowContrast('*'), in: header('A waiting session') }))?.value;
      if (theme === 'Default Light+' || theme === 'Default Dark Modern') await workbenchUi({ shot: `sidebar-a11y-contrast-${cls.slice(7)}`, of });
      for (const [where, words] of [['list', list], ['timeline', detail]] as const) if (Array.isArray(words) && words.length) low[`${theme}, ${where}`] = words;
      await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    }
    assert.deepEqual(low, {}, 'words under 4.5:1');
  });

  it('cuts off no button in a sidebar 200 px wide', async () => {
    await openPage('Savepoint sidebar (a11y narrow)');
    const narrow = `(() => { const f = [...document.querySelectorAll('iframe.webview')].sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)[0]; f.style.width = '200px'; return f.getBoundingClientRect().width; })()`;
    assert.equal((await workbenchUi({ script: narrow }))?.value, 200);
    const cut = `[...document.querySelectorAll('#root *')].filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > document.documentElement.clientWidth + 0.5; }).map((e) => e.tagName.toLowerCase() + '.' + e.className + (e.title ? ' ' + e.title : ''))`;
    // A row's title has the whole width while its actions are not shown (no pointer on it, no focus in it).
    await workbenchUi({ hover: `${row('A completed session')} .meta` });
    const clipped = `(() => { const t = document.querySelector('li.session[title="A waiting session"] .title'); return t.scrollWidth > t.clientWidth; })()`;
    assert.equal((await workbenchUi({ script: clipped, in: row('A waiting session'), shot: 'sidebar-a11y-narrow-list', of }))?.value, false, "the title of a row is not cut for actions it does not show");
    await workbenchUi({ focus: `${row('A running session')} button.open`, press: 'Tab' });
    assert.equal((await workbenchUi({ focused: `${row('A running session')} vscode-icon[title="Pause"]` }))?.count, 1, 'Tab from a row still reaches its actions');
    for (const title of ['A waiting session', 'A completed session']) {
      await workbenchUi({ click: `${row(title)} button.open` });
      await workbenchUi({ wait: step3(title), shot: `sidebar-a11y-narrow-${title.split(' ')[1]}`, of });
      assert.deepEqual((await workbenchUi({ script: cut, in: step3(title) }))?.value, [], `${title}: past the right edge`);
      await workbenchUi({ click: 'vscode-icon[title="Back to the sessions"]' });
    }
  });

  // Last: it adds a group of 52 sessions to the list.
  it('puts the focus on the first row the last "Show more" of a group showed', async () => {
    for (let i = 0; i < GROUP_PAGE + 2; i++) await store.createSession({ title: `Paused ${i}`, status: 'paused' });
    host.notifyChanged();
    await openPage('Savepoint sidebar (a11y show more)');
    const group = 'section[data-group="paused"]';
    await workbenchUi({ wait: `${group} button.show-more:has-text("Show 2 more of 2")` });
    await workbenchUi({ focus: `${group} button.show-more`, press: 'Enter' });
    await workbenchUi({ wait: `${group} ul.sessions > li.session:nth-child(${GROUP_PAGE + 2})`, shot: 'sidebar-a11y-show-more', of });
    assert.equal((await workbenchUi({ count: `${group} button.show-more` }))?.count, 0, 'the group shows all its sessions');
    assert.equal((await workbenchUi({ focused: `${group} ul.sessions > li.session:nth-child(${GROUP_PAGE + 1}) button.open` }))?.count, 1, 'the focus is on the first row shown by it');
  });

  it('keeps the focus on "Show earlier entries" once the earlier entries it asked for have come, and on the first of them after the last page', async () => {
    const title = 'A long session';
    const id = (await store.createSession({ title, status: 'completed' })).id;
    await commitSteps(store, id, 0, 1, 250, title);
    await store.updateSession(id, { stepCount: 250 });
    host.notifyChanged();
    await openPage('Savepoint sidebar (a11y earlier)');
    await workbenchUi({ click: `${row(title)} button.open` });
    const page = `${header(title)} ~ ol.timeline`;
    await workbenchUi({ wait: `${page} li.more-earlier vscode-button:has-text("Show 200 earlier entries (301 before these)")` });
    await workbenchUi({ focus: `${page} li.more-earlier vscode-button`, press: 'Enter' });
    await workbenchUi({ wait: `${page} li.more-earlier vscode-button:has-text("Show 101 earlier entries (101 before these)")`, shot: 'sidebar-a11y-earlier', of });
    assert.equal((await workbenchUi({ focused: 'ol.timeline li.more-earlier vscode-button' }))?.count, 1, 'the focus is on "Show earlier entries" again');
    assert.equal((await workbenchUi({ script: focusInView, in: page }))?.value, 'in view', 'the focused button is on screen, under the header');
    // The last page: the button is gone, the focus on the first entry it brought (the task, which has no control of its own).
    await workbenchUi({ focus: `${page} li.more-earlier vscode-button`, press: 'Enter' });
    await workbenchUi({ wait: `${page} > li.entry-start` });
    assert.equal((await workbenchUi({ count: `${page} li.more-earlier` }))?.count, 0);
    assert.equal((await workbenchUi({ focused: 'ol.timeline > li.entry-start' }))?.count, 1, 'the focus is on the first entry');
    assert.equal((await workbenchUi({ script: focusInView, in: page }))?.value, 'in view', 'the focused entry is on screen, under the header, not above the page');
  });

  it("names each row's action with its session: a screen reader hears whose Pause it is", async () => {
    await openPage('Savepoint sidebar (a11y row actions)');
    for (const [title, labels] of [['A running session', ['Pause', 'Cancel']], ['A waiting session', ['Answer the waiting approval', 'Cancel']]] as const) {
      // A row shows its actions while it has the focus (or the pointer), as a keyboard user meets them.
      await workbenchUi({ focus: `${row(title)} button.open` });
      const tree = String((await workbenchUi({ aria: `${row(title)} > .actions` }))?.value);
      for (const label of labels) assert.match(tree, new RegExp(`button "${label}: ${title}"`), tree);
    }
  });

  it('shows an unavailable action with the default cursor, an available one with the pointer', async () => {
    await openPage('Savepoint sidebar (a11y cursor)');
    await workbenchUi({ click: `${row('A running session')} button.open` });
    const turn1 = `${header('A running session')} ~ ol.timeline li.entry-model[title^="step 1 "]`;
    await workbenchUi({ wait: `${turn1} vscode-icon.refused[data-action="rewindSession"]` });
    const cursor = (action: string) => `getComputedStyle(document.querySelector('li.entry-model[title^="step 1 "] vscode-icon[data-action="${action}"]').shadowRoot.querySelector('button')).cursor`;
    assert.equal((await workbenchUi({ script: cursor('rewindSession'), in: turn1 }))?.value, 'default', 'Rewind is unavailable while the run is alive');
    assert.equal((await workbenchUi({ script: cursor('forkSession'), in: turn1 }))?.value, 'pointer', 'Fork is offered');
  });
});

/** Whether the focused element is on screen: below the timeline's sticky header, above the bottom of the page. */
const focusInView = `(() => {
  const t = document.activeElement.getBoundingClientRect();
  const h = document.querySelector('.detail-header').getBoundingClientRect();
  return t.top >= h.bottom - 1 && t.bottom <= innerHeight + 1 ? 'in view' : 'top ' + t.top + ', bottom ' + t.bottom + ', header ends ' + h.bottom + ', page ' + innerHeight;
})()`;

/**
 * The texts matching `sel` (shadow roots' too) whose colour is under 4.5:1 against what is behind
 * them. A widget's slotted text is drawn in its slot's colour; a colour with alpha is drawn over
 * what is behind it. Where no element has a background, the page shows the theme's: the editor's
 * here (the page is in an editor tab), the sidebar's in the Savepoint view; both are checked.
 */
const lowContrast = (sel: string): string => `(() => {
  const rgb = (c) => {
    const s = /color\\(srgb ([^)]+)\\)/.exec(c);
    const m = s ?? /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    const k = s ? 255 : 1;
    return { r: p[0] * k, g: p[1] * k, b: p[2] * k, a: p.length > 3 ? p[3] : 1 };
  };
  const over = (f, b) => ({ r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a), a: 1 });
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const up = (x) => x.assignedSlot ?? x.parentElement ?? (x.parentNode instanceof ShadowRoot ? x.parentNode.host : null);
  const theme = (v) => { const h = getComputedStyle(document.documentElement).getPropertyValue(v).trim().replace('#', ''); return h ? { r: parseInt(h.slice(0, 2), 16), g: parseInt(h.slice(2, 4), 16), b: parseInt(h.slice(4, 6), 16), a: 1 } : null; };
  const pages = ['--vscode-editor-background', '--vscode-sideBar-background'].map(theme).filter(Boolean);
  const behind = (e) => { for (let x = e; x; x = up(x)) { const c = rgb(getComputedStyle(x).backgroundColor); if (c && c.a > 0.5) return [c]; } return pages; };
  const out = [];
  const walk = (root) => {
    for (const e of root.querySelectorAll('*')) {
      if (e.shadowRoot) walk(e.shadowRoot);
      if (!e.matches(${JSON.stringify(sel)}) || ![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const box = e.getBoundingClientRect();
      const st = getComputedStyle(e);
      if (!box.width || !box.height || st.visibility === 'hidden' || e.closest('.visually-hidden')) continue;
      const drawn = e.shadowRoot?.querySelector('slot:not([name])') ?? e;
      const ratio = Math.min(...behind(drawn).map((bg) => {
        const a = lum(over(rgb(getComputedStyle(drawn).color), bg)), b = lum(bg);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }));
      if (ratio < 4.5) out.push(ratio.toFixed(2) + ' ' + e.tagName.toLowerCase() + '.' + e.className + ' "' + e.textContent.trim().slice(0, 30) + '"');
    }
  };
  walk(document);
  return out;
})()`;
