import * as vscode from 'vscode';
import { CheckpointError } from '../core/checkpoints/checkpointEvents';
import { type FileTouch, loadFileHistory } from '../core/checkpoints/fileHistory';
import { forkSession } from '../core/checkpoints/fork';
import { applyRewind, undoRewind } from '../core/checkpoints/rewind';
import { planRewind, planUndo } from '../core/checkpoints/rewindPlan';
import type { RewindMode } from '../core/checkpoints/checkpointEvents';
import { NodeWorkspace } from '../core/node/nodeWorkspace';
import type { BlobHash, SessionId } from '../core/store/types';
import type { SessionService } from './sessionService';
import type { StoreHost } from './storeHost';

export const BLOB_SCHEME = 'savepoint-blob';

const MAX_SHOWN_BYTES = 5 * 1024 * 1024;

/** Read-only checkpoint contents for the diff editor: `savepoint-blob:/<hash or "none">/<path>`. */
export class BlobContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly stores: StoreHost) {}

  static uri(hash: string | null, path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: BLOB_SCHEME, path: `/${hash ?? 'none'}/${path}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const hash = uri.path.split('/')[1] ?? 'none';
    if (hash === 'none') return '';
    const { store } = await this.stores.get();
    if (!store) return '(the session store is not available)';
    let bytes: Uint8Array;
    try {
      bytes = await store.getBlob(hash as BlobHash);
    } catch {
      // Binary and oversized files captured from commands are recorded by hash and size only.
      return `(this version is recorded by its hash only: sha256 ${hash}; binary or over the size limit, its contents were not kept)`;
    }
    if (bytes.subarray(0, 8000).includes(0)) return `(binary file, ${bytes.length} bytes, sha256 ${hash})`;
    if (bytes.length > MAX_SHOWN_BYTES) return `(file of ${bytes.length} bytes, over the ${MAX_SHOWN_BYTES / 1048576} MB shown in a diff; sha256 ${hash})`;
    return new TextDecoder().decode(bytes);
  }
}

interface Deps {
  stores: StoreHost;
  sessions: SessionService;
  pickSession: (placeHolder: string) => Promise<SessionId | undefined>;
}

function workspace(): NodeWorkspace {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('open the workspace folder first');
  return new NodeWorkspace(folder.uri.fsPath);
}

/** Steps that changed files, newest first, with what they changed. */
async function touchesBySteps(d: Deps, id: SessionId): Promise<[number, FileTouch[]][] | undefined> {
  const { store } = await d.stores.get();
  if (!store) return undefined;
  const history = await loadFileHistory(store, id);
  const bySteps = new Map<number, FileTouch[]>();
  for (const p of history.paths) for (const t of history.touchesOf(p)) if (t.outcome === 'applied' && (t.kind === 'tool' || t.kind === 'command')) bySteps.set(t.step, [...(bySteps.get(t.step) ?? []), t]);
  return [...bySteps.entries()].sort((a, b) => b[0] - a[0]);
}

/** The step given by the caller (the sidebar passes it), or the one the user picks. */
async function pickStep(d: Deps, id: SessionId, placeHolder: string, given?: unknown): Promise<{ step: number; touches: FileTouch[] } | undefined> {
  const steps = await touchesBySteps(d, id);
  if (!steps) return undefined;
  if (typeof given === 'number' && Number.isInteger(given) && given >= 0) return { step: given, touches: steps.find(([s]) => s === given)?.[1] ?? [] };
  const items = [
    ...steps.map(([step, touches]) => ({ label: `Step ${step}`, description: touches.map((t) => t.path).join(', '), step, touches })),
    { label: 'Before the session', description: 'every file as it was before the session touched it', step: 0, touches: [] as FileTouch[] },
  ];
  return vscode.window.showQuickPick(items, { placeHolder });
}

export function registerCheckpointCommands(d: Deps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('savepoint.rewindSession', async (arg?: unknown, stepArg?: unknown) => {
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Rewind which session?'));
      if (!id) return;
      if (d.sessions.isRunning(id)) {
        void vscode.window.showWarningMessage('Savepoint: pause the session before rewinding it.');
        return;
      }
      const target = await pickStep(d, id, 'Restore the workspace to its state after which step?', stepArg);
      if (!target) return;
      const mode = await vscode.window.showQuickPick(
        [
          { label: 'Files only', description: 'the session goes on from where it is', mode: 'files' as RewindMode },
          { label: 'Files and conversation', description: 'a new session (fork) continues from that step', mode: 'both' as RewindMode },
          { label: 'Conversation only', description: 'a fork continues from that step; files stay as they are', mode: 'conversation' as RewindMode },
        ],
        { placeHolder: 'What to rewind?' },
      );
      if (!mode) return;
      const { store } = await d.stores.get();
      if (!store) return;
      const ws = workspace();
      const plan = await planRewind(store, ws, id, target.step, { mode: mode.mode });
      const changes = plan.files.filter((f) => f.action !== 'none');
      const conflicts = changes.filter((f) => f.conflict);
      const memory = await d.stores.memory();
      const memoryWrites = plan.conversation && memory ? await memory.previewRevert(id, plan.conversation.seq) : [];
      const preview = [
        ...changes.map((f) => `${f.action} ${f.path}${f.conflict ? ' (changed outside the session)' : ''}${f.restorable ? '' : ' (kept by hash only: not restorable)'}`),
        ...(memoryWrites.length ? [`${memoryWrites.length} long-term memory write(s) this session made after that step are undone too`] : []),
      ].join('\n');
      const go = await vscode.window.showWarningMessage(
        `Savepoint: rewind to ${target.step === 0 ? 'before the session' : `step ${target.step}`}? ${changes.length} file(s) change; only files this session touched, and a safety checkpoint lets you undo it.`,
        { modal: true, detail: preview || 'No file changes.' },
        'Rewind',
      );
      if (go !== 'Rewind') return;
      let overwrite: string[] = [];
      if (conflicts.length) {
        const picked = await vscode.window.showQuickPick(conflicts.map((f) => ({ label: f.path, picked: false })), { canPickMany: true, placeHolder: 'These files were edited outside the session. Tick the ones to overwrite anyway (others are kept).' });
        overwrite = (picked ?? []).map((p) => p.label);
      }
      const result = await applyRewind(store, ws, plan, { overwriteConflicts: overwrite, ...(memory ? { memory } : {}) });
      d.stores.notifyChanged();
      const undo = await vscode.window.showInformationMessage(`Savepoint: rewound ${result.written.length} file(s)${result.skipped.length ? `, kept ${result.skipped.length} edited outside the session` : ''}${result.forkId ? '; a new session continues from there' : ''}.`, 'Undo');
      if (undo === 'Undo') {
        const u = await undoRewind(store, ws, await planUndo(store, ws, id, result.rewindId), memory ? { memory } : {});
        void vscode.window.showInformationMessage(`Savepoint: rewind undone (${u.written.length} file(s) restored).`);
      }
    }),
    vscode.commands.registerCommand('savepoint.forkSession', async (arg?: unknown, stepArg?: unknown) => {
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Fork which session?'));
      if (!id) return;
      const target = await pickStep(d, id, 'Start the new session from the checkpoint after which step?', stepArg);
      if (!target) return;
      const message = await vscode.window.showInputBox({ title: 'Savepoint: Fork', prompt: 'What should the new session do from there? (optional unless the session had finished)' });
      if (message === undefined) return;
      const { store } = await d.stores.get();
      if (!store) return;
      try {
        const fork = await forkSession(store, id, target.step, message.trim() ? { message: message.trim() } : {});
        d.stores.notifyChanged();
        const a = await vscode.window.showInformationMessage(`Savepoint: new session "${fork.title}" forked from step ${target.step}; the original is unchanged.`, 'Resume It');
        if (a) await d.sessions.resume(fork.id);
      } catch (e) {
        if (CheckpointError.is(e)) void vscode.window.showWarningMessage(`Savepoint: ${e.message}`);
        else throw e;
      }
    }),
    vscode.commands.registerCommand('savepoint.openStepDiff', async (arg?: unknown, stepArg?: unknown, pathArg?: unknown) => {
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Diff of which session?'));
      if (!id) return;
      const target = await pickStep(d, id, 'Which step?', stepArg);
      if (!target || target.touches.length === 0) {
        if (target) void vscode.window.showInformationMessage(`Savepoint: step ${target.step} changed no file.`);
        return;
      }
      const t = target.touches.find((x) => x.path === pathArg) ?? (target.touches.length === 1 ? target.touches[0] : (await vscode.window.showQuickPick(target.touches.map((x) => ({ label: x.path, t: x })), { placeHolder: 'Which file?' }))?.t);
      if (!t) return;
      await vscode.commands.executeCommand('vscode.diff', BlobContentProvider.uri(t.beforeHash, t.path), BlobContentProvider.uri(t.afterHash, t.path), `${t.path} (step ${t.step})`, { preview: true });
    }),
  ];
}
