import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { type DiskCheckpointStore, openCheckpointStore } from '../../src/core/store/openStore';
import type { JournalEvent, SessionId, SessionSummary } from '../../src/core/store/types';

export const EXTENSION_ID = 'savepoint.savepoint';

/** What the launcher (run.mjs / runElectron.mjs) prepared; it sits next to the workspace folder. */
export interface IntegrationConfig {
  modelUrl: string;
  seeded: { sessionId: SessionId; title: string; storeDir: string };
  resultsFile: string;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suite needs the fixture workspace open');
  return folder.uri.fsPath;
}

let cached: IntegrationConfig | undefined;
export function config(): IntegrationConfig {
  cached ??= JSON.parse(readFileSync(join(dirname(workspaceRoot()), 'savepoint-integration.json'), 'utf8')) as IntegrationConfig;
  return cached;
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  await ext.activate();
  return ext;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(200);
  }
}

/**
 * Reads the extension's store from the outside while the extension writes to it, on a copy of its
 * LevelDB files. Never open the store's own directory from this process: LevelDB's lock is a
 * POSIX record lock, which does not exclude a second opener in the same process, so a second
 * handle here would corrupt the extension's store. A copy torn by a concurrent compaction fails
 * to open or reads short; it is thrown away and taken again.
 */
export async function readStore<T>(dir: string, body: (s: DiskCheckpointStore) => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= 10; attempt++) {
    const copy = await mkdtemp(join(tmpdir(), 'savepoint-integ-copy-'));
    try {
      const rank = (n: string) => (n === 'CURRENT' || n.startsWith('MANIFEST-') ? 0 : n.endsWith('.ldb') ? 1 : 2);
      const names = (await readdir(dir)).filter((n) => n !== 'LOCK' && n !== 'LOG' && n !== 'LOG.old').sort((a, b) => rank(a) - rank(b));
      for (const n of names) await copyFile(join(dir, n), join(copy, n));
      const store = await openCheckpointStore({ dir: copy, onLocked: 'fail' });
      try {
        return await body(store);
      } finally {
        await store.close();
      }
    } catch (e) {
      last = e;
      await sleep(50 * attempt);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function sessions(dir: string): Promise<SessionSummary[]> {
  return readStore(dir, async (s) => (await s.listSessions({ limit: 500 })).sessions);
}

export async function events(dir: string, id: SessionId): Promise<JournalEvent[]> {
  return readStore(dir, async (s) => {
    const out: JournalEvent[] = [];
    for await (const e of s.readEvents(id)) out.push(e);
    return out;
  });
}

/** Waits until the session titled `title` satisfies `ok`. */
export function waitForSession(dir: string, title: string, ok: (s: SessionSummary) => boolean, what: string, timeoutMs = 60000): Promise<SessionSummary> {
  return waitFor(`session "${title}" ${what}`, async () => (await sessions(dir)).find((s) => s.title === title && ok(s)), timeoutMs);
}

/** Sets `savepoint.model` (user settings) for the sessions a suite starts; undefined restores the default. */
export async function useModel(model: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('savepoint').update('model', model, vscode.ConfigurationTarget.Global);
}

export interface ModelStats {
  requests: number;
  answered: number;
  duplicateTurns: string[];
  violations: unknown[];
  remainingSteps: number;
}

export async function modelStats(): Promise<ModelStats> {
  return (await (await fetch(`${config().modelUrl}/_scripted/stats`)).json()) as ModelStats;
}

/** The directory of the store the running extension uses, as Show Store Info reports it. */
export async function extensionStoreDir(ui: WindowStub): Promise<string> {
  const seen = ui.calls.length;
  await vscode.commands.executeCommand('savepoint.showStoreInfo');
  const call = await waitFor('the Show Store Info notification', () => ui.calls.slice(seen).find((c) => c.kind === 'info' && /store read-write at /.test(c.message)));
  const dir = /store read-write at (.+)$/.exec(call.message)?.[1];
  if (!dir) throw new Error(`no store directory in: ${call.message}`);
  return dir;
}

type Kind = 'info' | 'warning' | 'error' | 'quickPick' | 'inputBox' | 'saveDialog' | 'openDialog';
export interface UiCall {
  kind: Kind;
  message: string;
  args: unknown[];
}
type Answer = (call: UiCall) => unknown;

/**
 * Replaces the notification, quick-pick and input-box functions of the `vscode.window` namespace
 * this extension shares with its tests (the extension host hands one API object per extension),
 * so the extension's own code — the notification approval gate included — gets scripted answers.
 * Every call is recorded; a call no rule answers is dismissed (undefined), as a user closing it.
 */
export class WindowStub {
  readonly calls: UiCall[] = [];
  private rules: Array<{ kind: Kind; match: RegExp; answer: Answer }> = [];
  private readonly saved: Partial<Record<string, unknown>> = {};
  private static readonly names: Record<Kind, keyof typeof vscode.window> = {
    info: 'showInformationMessage',
    warning: 'showWarningMessage',
    error: 'showErrorMessage',
    quickPick: 'showQuickPick',
    inputBox: 'showInputBox',
    saveDialog: 'showSaveDialog',
    openDialog: 'showOpenDialog',
  };

  install(): this {
    const w = vscode.window as unknown as Record<string, unknown>;
    for (const [kind, name] of Object.entries(WindowStub.names) as Array<[Kind, string]>) {
      this.saved[name] = w[name];
      w[name] = (...args: unknown[]) => this.handle(kind, args);
    }
    this.saved.createInputBox = w.createInputBox;
    w.createInputBox = () => this.inputBox();
    return this;
  }

  /**
   * An input box made with createInputBox, answered as showInputBox is (kind 'inputBox', its title,
   * placeholder and prompt matched): a string accepts it with that value; `{ button: N, value }`
   * types `value` and presses its Nth title-bar button; undefined closes it.
   */
  private inputBox(): vscode.InputBox {
    const accept = new vscode.EventEmitter<void>();
    const button = new vscode.EventEmitter<vscode.QuickInputButton>();
    const hide = new vscode.EventEmitter<void>();
    const box = {
      title: undefined as string | undefined,
      prompt: undefined as string | undefined,
      placeholder: undefined as string | undefined,
      value: '',
      buttons: [] as vscode.QuickInputButton[],
      onDidAccept: accept.event,
      onDidTriggerButton: button.event,
      onDidHide: hide.event,
      onDidChangeValue: new vscode.EventEmitter<string>().event,
      show: () => {
        void (async () => {
          const answer = await this.handle('inputBox', [{ title: box.title, placeHolder: box.placeholder, prompt: box.prompt, buttons: box.buttons }]);
          if (typeof answer === 'string') {
            box.value = answer;
            accept.fire();
          } else if (answer && typeof answer === 'object' && 'button' in answer) {
            const a = answer as { button: number; value?: string };
            box.value = a.value ?? '';
            const b = box.buttons[a.button];
            if (!b) throw new Error(`the input box has no button ${a.button}`);
            button.fire(b);
          } else {
            box.hide();
          }
        })();
      },
      hide: () => hide.fire(),
      dispose: () => undefined,
    };
    return box as unknown as vscode.InputBox;
  }

  restore(): void {
    const w = vscode.window as unknown as Record<string, unknown>;
    for (const [name, fn] of Object.entries(this.saved)) w[name] = fn;
    this.rules = [];
  }

  /** Answers the next calls of `kind` whose message (or quick-pick placeholder) matches; later rules win. */
  on(kind: Kind, match: RegExp, answer: Answer): this {
    this.rules.unshift({ kind, match, answer });
    return this;
  }

  errors(): string[] {
    return this.calls.filter((c) => c.kind === 'error').map((c) => c.message);
  }

  private async handle(kind: Kind, args: unknown[]): Promise<unknown> {
    let message = '';
    if (kind === 'quickPick' || kind === 'inputBox') {
      const opts = (kind === 'quickPick' ? args[1] : args[0]) as { placeHolder?: string; title?: string; prompt?: string } | undefined;
      message = [opts?.title, opts?.placeHolder, opts?.prompt].filter(Boolean).join(' | ');
      if (kind === 'quickPick') args = [await (args[0] as Thenable<unknown[]> | unknown[]), ...args.slice(1)];
    } else if (kind === 'saveDialog') {
      // Matched by the file it proposes (a rule answers with a vscode.Uri).
      message = (args[0] as { defaultUri?: vscode.Uri } | undefined)?.defaultUri?.fsPath ?? '';
    } else if (kind === 'openDialog') {
      // Matched by its title (a rule answers with an array of vscode.Uri).
      message = (args[0] as { title?: string } | undefined)?.title ?? '';
    } else {
      message = String(args[0]);
    }
    const call = { kind, message, args };
    this.calls.push(call);
    const rule = this.rules.find((r) => r.kind === kind && r.match.test(message));
    return rule ? rule.answer(call) : undefined;
  }
}

let uiRequests = 0;

/**
 * Asks the launcher's browser to wait for (`wait`) or click (`click`) the first element a selector
 * finds in any frame, webviews included, and then (or only) to take a screenshot (`shot`, of the
 * element `of` or the page, saved in the integration artifacts); `mark`, `count`, `focus`, `press`,
 * `focused`, `hover`, `script` (with `in`), `aria` and `keys` see run.mjs.
 * Undefined when the launcher has no browser (the Electron runner): the caller does it another way.
 */
export async function workbenchUi(req: { shot?: string; of?: string; click?: string; wait?: string; mark?: string; count?: string; scroll?: string; to?: number | 'end'; where?: string; focus?: string; press?: string; focused?: string; hover?: string; script?: string; in?: string; keys?: string[]; aria?: string }): Promise<{ count?: number; top?: number; height?: number; anchor?: string | null; value?: unknown } | undefined> {
  const dir = process.env.SAVEPOINT_INTEG_UI;
  if (!dir) return undefined;
  const id = `${process.pid}-${++uiRequests}`;
  console.log(`[savepoint-integration-ui] ${JSON.stringify({ ...req, id })}`);
  const file = join(dir, `ui-${id}.json`);
  const what = req.aria ? `read the accessibility tree of ${req.aria}` : req.script ? `evaluate ${req.script.slice(0, 80)}` : req.keys ? `press ${req.keys.join(' ')}` : req.hover ? `move the pointer over ${req.hover}` : req.focus ? `focus ${req.focus}${req.press ? ` and press ${req.press}` : ''}` : req.focused ? `tell whether ${req.focused} has the focus` : req.click ? `click ${req.click}` : req.wait ? `find ${req.wait}` : req.mark ? `mark ${req.mark}` : req.count ? `count ${req.count}` : req.scroll ? `scroll ${req.scroll}` : req.where ? `tell where ${req.where} is scrolled` : `take ${req.shot}`;
  const answer = await waitFor(`the browser to ${what}`, () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { ok: boolean; error?: string; count?: number; top?: number; height?: number; anchor?: string | null; value?: unknown }) : undefined), 60000);
  if (!answer.ok) throw new Error(`the browser could not ${what}: ${answer.error}`);
  return answer;
}

/** A promise with its resolve function, to hold a dialog open while the test looks around. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Types `text` over what the field `field` holds (select-all, then the keys), then Enter. The field
 * is read before Enter and typed again if it does not hold the text (up to three times): under load
 * a select-all can land before the field has the focus, and the keys then follow the old text.
 */
export async function typeInField(field: string, text: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await workbenchUi({ focus: field });
    await workbenchUi({ keys: ['Control+A', ...text.split('')] });
    if ((await workbenchUi({ in: field, script: `document.querySelector('${field}').value` }))?.value === text) break;
  }
  await workbenchUi({ keys: ['Enter'] });
}
