import * as vscode from 'vscode';
import type { Message } from '../core/model/types';
import { callText } from '../core/runner/callText';
import { transcript } from '../core/runner/compaction';
import type { CompactedData, ModelTurnData } from '../core/runner/runEvents';
import { agentSaid, turnText } from '../shared/agentText';
import { timelineLine } from '../core/runner/timeline';
import type { SessionId } from '../core/store/types';
import type { StoreHost } from './storeHost';
import { sessionDocPath, sessionIdOfDocPath } from '../shared/sessionDocPath';
import { usd } from '../shared/money';
import { allSessions } from '../core/store/allSessions';
import { treeNode } from '../core/runner/sessionRows';
import { treeLines, treeOf } from '../shared/sessionTree';

export const SESSION_SCHEME = 'savepoint-session';

const decoder = new TextDecoder();

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
    if (!s) return `Session ${id} is not in this workspace's store: it was deleted, or it belongs to another workspace.\n`;
    // Where it sits in the tree of sessions: the session it was forked from, and its forks.
    const all = (await allSessions((o) => store.listSessions(o))).map(treeNode);
    const tree = treeLines(treeOf(all, treeNode(s)), (t) => t.replace(/\s+/g, ' '));
    const lines = [`${s.title}`, `status ${s.status} · ${s.stepCount} steps · ${usd(s.costUsd)}${s.parent ? ' since the fork' : ''} · session ${s.id}`, ...tree, ''];
    for await (const e of store.readEvents(id)) {
      lines.push(timelineLine(e));
      // The task in full (its line cuts it; the sidebar sends this document's readers here for it).
      const task = e.type === 'session_started' ? (e.data as { task?: unknown }).task : undefined;
      if (typeof task === 'string' && task.length > 100) lines.push(...task.split('\n').map((l) => `       │ ${l}`));
      // What the agent said in the turn (its answer, its words beside a call), under the turn's line.
      if (e.type === 'model_turn') {
        const said = agentSaid(await turnText(store, (e.data as ModelTurnData).message), '       ');
        if (said) lines.push(said);
      }
      // What a compaction summarized stays readable here (Savepoint: Undo Compaction puts it back).
      if (e.type === 'compacted') {
        const d = e.data as CompactedData;
        const messages = await Promise.all(d.replaced.map(async (h) => JSON.parse(decoder.decode(await store.getBlob(h))) as Message));
        lines.push(...transcript(messages).split('\n').map((l) => `       │ ${l}`));
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
