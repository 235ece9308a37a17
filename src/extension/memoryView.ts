import * as vscode from 'vscode';
import type { LongTermMemory } from '../core/memory/longTermMemory';
import { formatMemoryShow } from '../core/memory/memoryFormat';
import type { MemoryEntry, MemoryId, MemoryKind } from '../core/memory/memoryTypes';
import type { SessionId } from '../core/store/types';
import type { StoreHost } from './storeHost';

export const MEMORY_SCHEME = 'savepoint-memory';

/** Edits and deletions made from the view are the user's own, outside any session. */
const USER_ORIGIN = { sessionId: 'user' as SessionId, seq: 0 };

const KIND_LABEL: Record<MemoryKind, string> = { fact: 'Facts', procedure: 'Procedures', episode: 'Episodes' };
const KIND_ICON: Record<MemoryKind, string> = { fact: 'lightbulb', procedure: 'checklist', episode: 'history' };
const KINDS: MemoryKind[] = ['procedure', 'fact', 'episode'];

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
      this.unsubscribe = m.onDidChange(() => this.refresh());
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
        const uri = vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${e.id}.txt` });
        this.docChanged.fire(uri);
        await vscode.window.showTextDocument(uri, { preview: true });
      }),
      vscode.commands.registerCommand('savepoint.memory.edit', async (node: unknown) => {
        const e = entryOf(node);
        const m = await this.memory();
        if (!e || !m) return;
        const text = await vscode.window.showInputBox({ title: `Edit ${e.kind}`, value: e.text, prompt: 'The memory as the agent will read it', validateInput: (v) => (v.trim() ? undefined : 'A memory cannot be empty; delete it instead.') });
        if (text === undefined || text.trim() === e.text) return;
        await m.edit(e.id, { text: text.trim() }, USER_ORIGIN);
      }),
      vscode.commands.registerCommand('savepoint.memory.togglePin', async (node: unknown) => {
        const e = entryOf(node);
        const m = await this.memory();
        if (e && m) await m.edit(e.id, { pinned: !e.pinned }, USER_ORIGIN);
      }),
      vscode.commands.registerCommand('savepoint.memory.delete', async (node: unknown) => {
        const e = entryOf(node);
        const m = await this.memory();
        if (!e || !m) return;
        const ok = await vscode.window.showWarningMessage(`Delete this ${e.kind} from long-term memory?`, { modal: true, detail: e.text.slice(0, 300) }, 'Delete');
        if (ok === 'Delete') await m.forget(e.id, USER_ORIGIN);
      }),
    ];
  }

  dispose(): void {
    this.unsubscribe?.();
    this.changed.dispose();
    this.docChanged.dispose();
  }
}
