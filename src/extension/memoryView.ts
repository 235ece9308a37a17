import * as vscode from 'vscode';
import type { LongTermMemory } from '../core/memory/longTermMemory';
import { LINE_BREAK_MARK, formatMemoryShow, fromOneLine, toOneLine } from '../core/memory/memoryFormat';
import { MAX_MEMORY_TEXT, type MemoryEntry, MemoryError, type MemoryId, type MemoryKind } from '../core/memory/memoryTypes';
import { StoreError } from '../core/store/errors';
import type { SessionId } from '../core/store/types';
import type { StoreHost } from './storeHost';
import { notify } from './notify';

export const MEMORY_SCHEME = 'savepoint-memory';

/** Edits and deletions made from the view are the user's own, outside any session. */
const USER_ORIGIN = { sessionId: 'user' as SessionId, seq: 0 };

const KIND_LABEL: Record<MemoryKind, string> = { fact: 'Facts', procedure: 'Procedures', episode: 'Episodes' };
const KIND_ICON: Record<MemoryKind, string> = { fact: 'lightbulb', procedure: 'checklist', episode: 'history' };
const KINDS: MemoryKind[] = ['procedure', 'fact', 'episode'];

/** What the input box says of a text that cannot be saved (the store's own limits). */
function memoryTextProblem(v: string): string | undefined {
  const n = v.trim().length;
  if (n === 0) return 'A memory cannot be empty; delete it instead.';
  if (n > MAX_MEMORY_TEXT) return `A memory holds at most ${MAX_MEMORY_TEXT} characters (this is ${n}).`;
  return undefined;
}

async function offerCopy(message: string, text: string): Promise<void> {
  if ((await notify.error(message, 'Copy My Text')) === 'Copy My Text') await vscode.env.clipboard.writeText(text);
}

/**
 * A write the user asked for from the view: 'changed' when the entry moved on since they read it
 * (the caller asks again); any other failure is said in words, with their text offered for copying.
 */
async function userWrite(write: () => Promise<unknown>, text?: string): Promise<'done' | 'changed' | 'failed'> {
  try {
    await write();
    return 'done';
  } catch (e) {
    if (MemoryError.is(e, 'CHANGED')) return 'changed';
    let why: string;
    if (MemoryError.is(e, 'NOT_FOUND')) why = 'This memory was deleted meanwhile (a session forgot it, or a rewind took it back).';
    else if (StoreError.is(e, 'READ_ONLY')) why = 'This memory is read-only in this window: another window holds it. Make the change there.';
    else if (MemoryError.is(e)) why = `The memory was not saved: ${e.message}.`;
    else throw e;
    if (text === undefined) void notify.error(why);
    else await offerCopy(`${why} Your edit was not saved.`, text);
    return 'failed';
  }
}

const memoryUri = (id: MemoryId) => vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${id}.txt` });

type Node = { kind: MemoryKind; count: number } | { entry: MemoryEntry };

/**
 * The Memory view: long-term memory by kind, newest first; each entry opens read-only with its
 * version history, and can be edited or deleted (a deletion stays in the history).
 */
export class MemoryViewProvider implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly viewId = 'savepoint.memory';
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.docChanged.event;
  private unsubscribe: (() => void) | undefined;
  private watched: LongTermMemory | undefined;

  constructor(private readonly stores: StoreHost) {}

  private async memory(): Promise<LongTermMemory | undefined> {
    const m = await this.stores.memory();
    if (m && m !== this.watched) {
      this.unsubscribe?.();
      this.watched = m;
      this.unsubscribe = m.onDidChange((changes) => {
        this.refresh();
        // An entry open in an editor shows what it reads now (the editor asks again only for open documents).
        for (const c of changes) this.docChanged.fire(memoryUri(c.id));
      });
    }
    return m;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const m = await this.memory();
    if (!m) return [];
    if (!node) return KINDS.map((kind) => ({ kind, count: m.list({ kind }).length })).filter((g) => g.count > 0);
    if ('kind' in node) return m.list({ kind: node.kind }).sort((a, b) => b.updatedAt - a.updatedAt).map((entry) => ({ entry }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('kind' in node) {
      const item = new vscode.TreeItem(KIND_LABEL[node.kind], vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.count);
      item.iconPath = new vscode.ThemeIcon(KIND_ICON[node.kind]);
      return item;
    }
    const e = node.entry;
    // A narrow sidebar shows ~30 characters: the first line (an episode's task) is the label, the rest follows dimmed.
    const [first = '', ...rest] = e.text.split('\n');
    const label = (e.kind === 'episode' ? first.replace(/^Task:\s*/, '') : first).trim().slice(0, 120);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = e.id;
    const more = rest.join(' ').replace(/^Outcome:\s*/, '').replace(/\s+/g, ' ').trim();
    item.description = [e.scope === 'user' ? 'user' : '', e.pinned ? 'pinned' : '', more.slice(0, 120)].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString().appendText(e.text).appendMarkdown(`\n\n*${e.scope} ${e.kind}, updated ${new Date(e.updatedAt).toLocaleString()}*`);
    item.iconPath = new vscode.ThemeIcon(e.pinned ? 'pinned' : KIND_ICON[e.kind]);
    item.contextValue = 'memoryEntry';
    item.command = { command: 'savepoint.memory.open', title: 'Open', arguments: [node] };
    return item;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const m = await this.memory();
    if (!m) return 'Long-term memory is not available (see Savepoint: Show Logs).';
    const id = uri.path.replace(/^\//, '').replace(/\.txt$/, '') as MemoryId;
    return formatMemoryShow(m.get(id), await m.history(id));
  }

  register(): vscode.Disposable[] {
    const entryOf = (node: unknown): MemoryEntry | undefined => (node && typeof node === 'object' && 'entry' in node ? (node as { entry: MemoryEntry }).entry : undefined);
    return [
      vscode.window.registerTreeDataProvider(MemoryViewProvider.viewId, this),
      vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, this),
      vscode.commands.registerCommand('savepoint.memory.refresh', () => this.refresh()),
      vscode.commands.registerCommand('savepoint.memory.open', async (node: unknown) => {
        const e = entryOf(node);
        if (!e) return;
        const uri = memoryUri(e.id);
        this.docChanged.fire(uri);
        await vscode.window.showTextDocument(uri, { preview: true });
      }),
      vscode.commands.registerCommand('savepoint.memory.edit', (node: unknown) => this.editEntry(entryOf(node))),
      vscode.commands.registerCommand('savepoint.memory.togglePin', (node: unknown) => this.togglePin(entryOf(node))),
      vscode.commands.registerCommand('savepoint.memory.delete', (node: unknown) => this.deleteEntry(entryOf(node))),
    ];
  }

  /**
   * The entry as it reads now: a tree item can be older than a write a session made since. Undefined
   * (and the user told) when it is gone.
   */
  private async fresh(shown: MemoryEntry | undefined): Promise<{ m: LongTermMemory; e: MemoryEntry } | undefined> {
    const m = await this.memory();
    if (!shown || !m) return undefined;
    const e = m.get(shown.id);
    if (!e) {
      this.refresh();
      void notify.info('This memory was deleted meanwhile (a session forgot it, or a rewind took it back).');
      return undefined;
    }
    return { m, e };
  }

  /** The user's text is kept: a write that fails offers to copy it, an entry a session changed meanwhile is shown before it is overwritten. */
  private async editEntry(shown: MemoryEntry | undefined): Promise<void> {
    let cur = await this.fresh(shown);
    if (!cur) return;
    // One line: the input box would drop the line breaks of a memory of several lines (an episode), even unchanged.
    const typed = await vscode.window.showInputBox({ title: `Edit ${cur.e.kind}`, value: toOneLine(cur.e.text), prompt: `The memory as the agent will read it (${LINE_BREAK_MARK} is a line break)`, validateInput: (v) => memoryTextProblem(fromOneLine(v)) });
    if (typed === undefined) return;
    const text = fromOneLine(typed);
    if (text === cur.e.text.replace(/\r\n/g, '\n')) return;
    for (;;) {
      const { m, e } = cur;
      if ((await userWrite(() => m.edit(e.id, { text }, USER_ORIGIN, { ifVersion: e.version }), text)) !== 'changed') return;
      const now = await this.fresh(e);
      if (!now) return offerCopy('Your edit was not saved.', text);
      const choice = await notify.warn('This memory changed while you were editing it. Save your text over the new one?', { modal: true, detail: `Now: ${now.e.text.slice(0, 300)}` }, 'Save Mine', 'Copy My Text');
      if (choice === 'Copy My Text') await vscode.env.clipboard.writeText(text);
      if (choice !== 'Save Mine') return;
      cur = now;
    }
  }

  private async togglePin(shown: MemoryEntry | undefined): Promise<void> {
    const cur = await this.fresh(shown);
    if (!cur) return;
    // The state it is in now decides, not the one the tree showed (a session may have pinned it since).
    if ((await userWrite(() => cur.m.edit(cur.e.id, { pinned: !cur.e.pinned }, USER_ORIGIN, { ifVersion: cur.e.version }))) === 'changed') {
      void notify.info('This memory changed meanwhile; nothing was changed. Look at it again and retry.');
    }
  }

  private async deleteEntry(shown: MemoryEntry | undefined): Promise<void> {
    const cur = await this.fresh(shown);
    if (!cur) return;
    const { e, m } = cur;
    const what = e.pinned ? `pinned ${e.kind} (it goes into every session's prompt)` : e.kind;
    const ok = await notify.warn(`Delete this ${what} from long-term memory?`, { modal: true, detail: e.text.slice(0, 300) }, 'Delete');
    if (ok !== 'Delete') return;
    // Only what the user saw and confirmed is deleted: a version written since is asked about again.
    if ((await userWrite(() => m.forget(e.id, USER_ORIGIN, { ifVersion: e.version }))) === 'changed') {
      void notify.info('This memory changed while you were deciding; it was not deleted. Look at it again.');
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    this.changed.dispose();
    this.docChanged.dispose();
  }
}
