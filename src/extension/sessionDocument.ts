import * as vscode from 'vscode';
import { callText } from '../core/runner/callText';
import { JournalLines } from '../core/runner/journalLines';
import type { SessionId } from '../core/store/types';
import type { StoreHost } from './storeHost';
import { sessionDocPath, sessionIdOfDocPath } from '../shared/sessionDocPath';
import { usd } from '../shared/money';
import { allSessions } from '../core/store/allSessions';
import { treeNode } from '../core/runner/sessionRows';
import { treeLines, treeOf } from '../shared/sessionTree';

export const SESSION_SCHEME = 'savepoint-session';

/** Sessions change many times a second while they run: an open document is read again at most this often. */
const FOLLOW_MS = 500;

/**
 * Read-only documents with a session's timeline, `savepoint-session:/<title> · <id>.log`, and one
 * of its calls in full, `savepoint-session:/<id>/<callId>.log`. An open one follows its session
 * (`stores.onDidChange`: a step, a pin, a rewind, a deletion), read again at most every FOLLOW_MS.
 */
export class SessionDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** The journal's lines of the sessions shown: read again, a document reads only what was journaled since. */
  private readonly journal = new JournalLines();

  constructor(private readonly stores: StoreHost) {
    this.sub = stores.onDidChange(() => this.follow());
  }

  /** The session's document, named by its title (`sessionDocPath`: with several open, the tabs say which is which). */
  static uri(id: SessionId, title?: string): vscode.Uri {
    return vscode.Uri.from({ scheme: SESSION_SCHEME, path: sessionDocPath(id, title) });
  }

  static callUri(id: SessionId, callId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: SESSION_SCHEME, path: `/${id}/${callId}.log` });
  }

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  /** Reads the open session documents again, once the changes of the next FOLLOW_MS are in. */
  private follow(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === SESSION_SCHEME && !d.isClosed) this.changed.fire(d.uri);
    }, FOLLOW_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    // A call in full is `/<id>/<callId>.log`; the session's own document has one segment (a title's slashes are replaced).
    const [first, call] = uri.path.replace(/^\//, '').split('/');
    const callId = call?.replace(/\.log$/, '');
    const id = (callId !== undefined ? first : sessionIdOfDocPath(uri.path)) as SessionId;
    const { store } = await this.stores.get();
    if (!store) return 'The session store is not available.';
    if (callId !== undefined) return (await callText(store, id, callId)) ?? `No call ${callId} in session ${id} of this workspace.`;
    const s = await store.getSession(id);
    if (!s) {
      this.journal.forget(id);
      return `Session ${id} is not in this workspace's store: it was deleted, or it belongs to another workspace.\n`;
    }
    // Where it sits in the tree of sessions: the session it was forked from, and its forks.
    const all = (await allSessions((o) => store.listSessions(o))).map(treeNode);
    const tree = treeLines(treeOf(all, treeNode(s)), (t) => t.replace(/\s+/g, ' '));
    const lines = [`${s.title}`, `status ${s.status} · ${s.stepCount} steps · ${usd(s.costUsd)}${s.parent ? ' since the fork' : ''} · session ${s.id}`, ...tree, ''];
    // Not pushed as arguments: a long session has more lines than a call takes.
    return `${lines.concat(await this.journal.read(store, s)).join('\n')}\n`;
  }
}
