import * as vscode from 'vscode';
import type { RunnerNotice } from '../core/runner/runner';
import type { Bootstrap, CommandParams, HostMessage, SessionRow, StoreView, TimelineSnapshot } from '../shared/protocol';
import { parseWebviewMessage } from '../shared/protocolSchema';
import { toRows } from '../core/runner/sessionRows';
import type { StoreHost } from './storeHost';
import { type FeedMessage, TimelineFeed } from '../core/runner/timelineFeed';
import { sidebarHtml } from './webviewHtml';
import { notify } from './notify';
import { RepeatFilter } from '../core/util/repeatFilter';
import type { SessionId } from '../core/store/types';

/**
 * The sidebar: the session list and one session's live timeline. Sends nothing until the page
 * says `ready`, then a bootstrap snapshot; later changes go out as notifications with a monotonic
 * `seq`. No retainContextWhenHidden: a hidden view is torn down and rebuilt from a fresh snapshot
 * (the page remembers only which session was open).
 */
export class SessionsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'savepoint.sessions';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private seq = 0;
  private readonly feed: TimelineFeed;
  private readonly disposables: vscode.Disposable[] = [];
  /** A session to show once the page is ready (revealed while the view was not built). */
  private revealing: string | undefined;
  /** The same action sent twice in a row (a double click) runs once. */
  private readonly repeats = new RepeatFilter();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreHost,
    private readonly log: vscode.LogOutputChannel,
    /** The running sessions' live notices (none: the timeline follows the journal only). */
    notices: vscode.Event<RunnerNotice> = () => ({ dispose: () => undefined }),
    /** Whether a run of the session is alive in this window (none: never). */
    private readonly isLive: (id: string) => boolean = () => false,
    /** The folder a session works in, named when several are open (none: never named). */
    private readonly folderName: (id: string) => string | undefined = () => undefined,
  ) {
    this.feed = new TimelineFeed(stores, notices, (m) => this.postFeed(m), log);
    this.disposables.push(
      this.feed,
      stores.onDidChange(() => {
        void this.pushChange();
        // Changes from outside the runner (rewind, fork, delete) reach the timeline here.
        void this.feed.refresh();
      }),
      // Which folder each session works in is named only while several are open.
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.pushChange()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    this.feed.close();
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = sidebarHtml(view.webview, this.extensionUri);
    const sub = view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw).catch((e: unknown) => this.log.warn(`sidebar: ${e instanceof Error ? e.message : String(e)}`)));
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
        this.feed.close();
      }
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.log.warn(`dropped a malformed message from the sidebar: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (msg.method) {
      case 'ready': {
        this.ready = true;
        const { sessions, store } = await this.load();
        const revealed = this.revealing;
        const wanted = revealed ?? msg.params?.sessionId;
        this.revealing = undefined;
        if (!wanted) this.feed.close();
        const timeline = wanted ? await this.feed.open(wanted) : null;
        const boot: Bootstrap = { seq: this.seq, sessions, store, timeline: timeline ? timeline() : null, ...(timeline && revealed ? { revealed: true } : {}) };
        await this.post({ method: 'bootstrap', params: boot });
        break;
      }
      case 'session/open': {
        const timeline = await this.feed.open(msg.params.sessionId);
        const snapshot: TimelineSnapshot = timeline ? timeline() : { sessionId: msg.params.sessionId, entries: [], earlier: 0, live: { text: '', notes: [] } };
        await this.post({ method: 'timeline/snapshot', params: { seq: ++this.seq, timeline: snapshot } });
        break;
      }
      case 'timeline/earlier': {
        const page = await this.feed.earlier(msg.params.sessionId, msg.params.before);
        if (page) await this.post({ method: 'timeline/earlier', params: { seq: ++this.seq, sessionId: msg.params.sessionId, ...page } });
        break;
      }
      case 'timeline/step': {
        const page = await this.feed.around(msg.params.sessionId, msg.params.step);
        if (page) await this.post({ method: 'timeline/page', params: { seq: ++this.seq, sessionId: msg.params.sessionId, step: msg.params.step, ...page } });
        break;
      }
      case 'timeline/later': {
        const page = await this.feed.later(msg.params.sessionId, msg.params.after);
        if (page) await this.post({ method: 'timeline/later', params: { seq: ++this.seq, sessionId: msg.params.sessionId, ...page } });
        break;
      }
      case 'session/close':
        this.feed.close();
        break;
      case 'command/run': {
        const { command } = msg.params;
        // The second click of a double click: the action is under way (its question asked once).
        const done = this.repeats.admit(JSON.stringify(msg.params));
        if (!done) {
          this.log.info(`sidebar: a repeated ${command} dropped: the same action is under way (a double click)`);
          break;
        }
        try {
          await this.runCommand(msg.params);
        } finally {
          done();
        }
        break;
      }
    }
  }

  /** Runs a command the page asked for, unless its session was deleted meanwhile (then says so). */
  private async runCommand({ command, sessionId, step, path, callId }: CommandParams): Promise<void> {
    // A button drawn before the session was deleted (in another view, or by the palette).
    if (sessionId !== undefined && !(await this.exists(sessionId))) {
      this.log.info(`sidebar: ${command} of ${sessionId} not run: the session no longer exists`);
      void notify.warn('Savepoint: that session no longer exists (it was deleted), so nothing was done.');
      await this.pushChange();
      return;
    }
    const args = sessionId === undefined ? [] : command === 'showCall' ? [sessionId, callId] : step === undefined ? [sessionId] : path === undefined ? [sessionId, step] : callId === undefined ? [sessionId, step, path] : [sessionId, step, path, callId];
    await vscode.commands.executeCommand(`savepoint.${command}`, ...args);
  }

  /** Whether the store has the session (no store: the command itself says why it cannot run). */
  private async exists(id: string): Promise<boolean> {
    const { store } = await this.stores.get();
    return !store || !!(await store.getSession(id as SessionId));
  }

  private async load(): Promise<{ sessions: SessionRow[]; store: StoreView }> {
    const state = await this.stores.get();
    const sessions = toRows(await this.stores.listSessions()).map((r) => {
      const folder = this.folderName(r.id);
      return { ...r, live: this.isLive(r.id), ...(state.readOnly ? { readOnly: true } : {}), ...(folder ? { folder } : {}) };
    });
    return { sessions, store: { readOnly: state.readOnly, error: state.error } };
  }

  /**
   * Shows the Savepoint sidebar with the session open (Show on a notice). A view not built yet (or
   * torn down while hidden) opens it in the bootstrap that follows its `ready`.
   */
  async reveal(sessionId: string): Promise<void> {
    // A hidden view's page is torn down: it says `ready` again when shown.
    const told = this.view?.visible && this.ready ? await this.view.webview.postMessage({ method: 'session/reveal', params: { seq: ++this.seq, sessionId } } satisfies HostMessage) : false;
    if (!told) this.revealing = sessionId;
    await vscode.commands.executeCommand(`${SessionsViewProvider.viewId}.focus`);
  }

  private async pushChange(): Promise<void> {
    if (!this.view || !this.ready) return;
    const { sessions, store } = await this.load();
    await this.post({ method: 'sessions/changed', params: { seq: ++this.seq, sessions, store } });
  }

  private postFeed(m: FeedMessage): void {
    if (!this.view || !this.ready) return;
    void this.post({ method: m.method, params: { ...m.params, seq: ++this.seq } } as HostMessage);
  }

  private async post(message: HostMessage): Promise<void> {
    await this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
