import * as vscode from 'vscode';
import { CheckpointError } from '../core/checkpoints/checkpointEvents';
import { loadFileHistory } from '../core/checkpoints/fileHistory';
import { conflictsToAsk, markUnsaved, overwritesChosen } from '../core/checkpoints/overwriteChoice';
import { type StepChanges, changeOf, stepChanges, stepChoices } from '../core/checkpoints/stepChanges';
import { forkSession } from '../core/checkpoints/fork';
import { type StepOutline, stepOutlines } from '../core/checkpoints/stepOutlines';
import { rewindPickDetail, stepPickDescription } from '../core/checkpoints/pickWords';
import type { SymbolKind } from '../core/code/symbolRules';
import { applyRewind, undoRewind } from '../core/checkpoints/rewind';
import { type RewindFilePlan, listRewinds, planRewind, planUndo, targetName, undoable } from '../core/checkpoints/rewindPlan';
import { repoCommandsAfter } from '../core/checkpoints/repoCommands';
import { LATER_NAMED, forkedMessage, laterLines, messageMissing, previewDetail, rewindQuestion, rewoundMessage, undoQuestion, undoneMessage } from '../core/checkpoints/rewindWords';
import type { RewindMode } from '../core/checkpoints/checkpointEvents';
import { NodeWorkspace } from '../core/node/nodeWorkspace';
import { GitContents } from '../core/node/gitContents';
import type { CheckpointStore } from '../core/store/checkpointStore';
import type { SessionId } from '../core/store/types';
import { explainFailure } from './commands';
import type { SessionService } from './sessionService';
import { NotReady } from './readiness';
import type { StoreHost } from './storeHost';
import { count } from '../core/util/plural';
import { notify } from './notify';
import { BlobContentProvider } from './blobContentProvider';
import { showWritten, unsavedUnder } from './unsavedEditors';
import { askText } from './longText';

export interface CheckpointDeps {
  stores: Pick<StoreHost, 'get' | 'memory' | 'notifyChanged' | 'writable'>;
  sessions: Pick<SessionService, 'isRunning' | 'symbolOutliner' | 'holdWritesIn' | 'resume' | 'folders' | 'folderOf'>;
  pickSession: (placeHolder: string) => Promise<SessionId | undefined>;
  log: vscode.LogOutputChannel;
  /** The workspace folder the session's files are in (default: the session's own, `SessionService.folderOf`). */
  folder?: (id?: SessionId) => vscode.Uri | undefined;
}
type Deps = CheckpointDeps;

/**
 * The folder a rewind of session `id` writes in: the session's own (NotReady naming it when it is not
 * open); without an id, whether any is open. NotReady (a warning with the button that opens one) without a folder.
 */
function folder(d: Deps, id?: SessionId): vscode.Uri {
  const f = d.folder ? d.folder(id) : id ? d.sessions.folderOf(id).uri : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!f) throw new NotReady('Open the folder the session worked in first: a rewind or its undo writes the files there.', { title: 'Open Folder', command: 'vscode.openFolder' });
  return f;
}

/**
 * The session store; NotReady saying why it is not open (a warning with the logs a click away), and,
 * for a command that `writes` (a rewind, its undo, a fork), when another window holds it: said before
 * any question, not after the preview and the confirm.
 */
async function storeOf(d: Deps, writes = false): Promise<CheckpointStore> {
  // The window that held the store may have closed since: then this one takes it over and goes on.
  const { store, error, readOnly } = await (writes ? d.stores.writable() : d.stores.get());
  if (!store) throw new NotReady(`${error ?? 'The session store is not open'}: the checkpoints cannot be read.`, { title: 'Show Logs', command: 'savepoint.showLogs' });
  if (!writes || !readOnly) return store;
  throw new NotReady('Another window is using this workspace\'s sessions (they are read-only here): rewind, undo or fork in that window, or close it and try again. Nothing was changed.');
}

/** The name of the session's folder when the workspace has several (the questions say where they write), else undefined. */
const folderName = (d: Deps, id: SessionId): string | undefined => ((vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? vscode.workspace.getWorkspaceFolder(folder(d, id))?.name : undefined);

/** Logs an editor left unreverted after a rewind or undo wrote its file (`showWritten`). */
const revertFailed = (d: Deps) => (path: string, e: unknown) => d.log.warn(`the editor of ${path} was not reverted after the write: ${e instanceof Error ? e.message : String(e)}`);

/** The session's files, in its folder. */
const workspace = (d: Deps, id: SessionId): NodeWorkspace => new NodeWorkspace(folder(d, id).fsPath);

/** The files side by side in the multi-file diff editor: the disk now (left), what the operation writes (right). */
async function showChanges(title: string, files: readonly RewindFilePlan[], root: vscode.Uri): Promise<void> {
  const rows = files.map((f) => [vscode.Uri.joinPath(root, f.path), f.fromHash === null ? BlobContentProvider.uri(null, f.path) : BlobContentProvider.disk(f.path, root), BlobContentProvider.uri(f.toHash, f.path)]);
  await vscode.commands.executeCommand('vscode.changes', title, rows);
}

/** Closes the changes editor `showChanges` opened under `title` (the question it illustrated is answered). */
async function closeChanges(title: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith(title));
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

const SHOW_CHANGES = 'Show Changes';
const SHOW_ALL = 'Show All';

/**
 * The preview before anything is written: a modal with one line per file. "Show Changes" opens the
 * files side by side and asks again in a notification, which leaves the diff editor usable (a modal
 * would block it). `all`: the full list when the detail counted some lines (files a later rewind wrote
 * again): "Show All" opens it in a document and asks again.
 */
async function confirmPlan(message: string, detail: string, files: readonly RewindFilePlan[], action: string, title: string, root: vscode.Uri, all?: readonly string[]): Promise<boolean> {
  const changes = files.filter((f) => f.action !== 'none');
  const go = await notify.warn(message, { modal: true, detail }, ...[action, ...(changes.length ? [SHOW_CHANGES] : []), ...(all ? [SHOW_ALL] : [])]);
  if (go === SHOW_ALL && all) {
    // Every line the modal counted, in a document of its own (a modal would block it): then asked again.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: `${message}\n\n${all.join('\n')}\n` }), { preview: true });
    return (await notify.warn(message, action)) === action;
  }
  if (go !== SHOW_CHANGES) return go === action;
  // A file kept where a move put it changes nothing: no side by side for it.
  await showChanges(title, changes.filter((f) => f.keptFor === undefined), root);
  try {
    return (await notify.warn(message, action)) === action;
  } finally {
    await closeChanges(title);
  }
}

/**
 * The files edited outside the session that the user ticks to overwrite anyway (none: all are kept);
 * undefined when the user dismissed the question: then nothing is written, and that is said.
 */
async function pickOverwrites(files: readonly RewindFilePlan[], what: string, root: vscode.Uri): Promise<string[] | undefined> {
  // Saved or opened meanwhile: an editor's unsaved changes are asked about from the latest look.
  markUnsaved(files, unsavedUnder(root));
  const asked = conflictsToAsk(files);
  if (!asked.length) return [];
  const unsaved = new Set(files.filter((f) => f.unsaved).map((f) => f.path));
  const items = asked.map((label) => ({ label, picked: false, ...(unsaved.has(label) ? { description: 'unsaved changes in an editor: ticked, they are discarded' } : {}) }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: `These files were edited outside the session (on disk, or unsaved in an editor). Tick the ones ${what} overwrites anyway (others are kept; Escape cancels).` });
  const chosen = overwritesChosen(asked, picked?.map((p) => p.label));
  if (!chosen) void notify.info(`Savepoint: ${what} was cancelled; nothing was changed.`);
  return chosen;
}

/** Undoes a rewind from its safety checkpoint; with `preview`, shows what changes first. */
async function runUndo(d: Deps, store: CheckpointStore, id: SessionId, rewind: { rewindId: string; targetStep: number; mode: RewindMode }, preview: boolean): Promise<void> {
  const ws = workspace(d, id);
  const outliner = await d.sessions.symbolOutliner();
  const plan = await planUndo(store, ws, id, rewind.rewindId, { fromGit: new GitContents(ws.root), ...(outliner ? { outliner } : {}) });
  const root = folder(d, id);
  markUnsaved(plan.files, unsavedUnder(root));
  const changes = plan.files.filter((f) => f.action !== 'none');
  const at = targetName(rewind.targetStep);
  if (preview) {
    // After a big checkout, hundreds of files wait for a later rewind's undo: the first few named, the rest counted (Show All lists them).
    const later = laterLines(plan.laterRewound);
    const all = (plan.laterRewound?.length ?? 0) > LATER_NAMED ? laterLines(plan.laterRewound, true) : undefined;
    const detail = previewDetail(changes, [...later, ...(plan.memoryReverts.length ? ['Also restores the long-term memory writes the rewind took back.'] : [])]) || 'No file changes: the files already hold what the rewind found.';
    const message = undoQuestion(rewind.targetStep, changes, { folder: folderName(d, id), mode: rewind.mode });
    if (!(await confirmPlan(message, detail, plan.files, 'Undo Rewind', `Undo the rewind to ${at}: disk now ↔ after`, root, all))) return;
  }
  const overwrite = await pickOverwrites(plan.files, 'the undo', root);
  if (!overwrite) return;
  const memory = await d.stores.memory({ evenWhenOff: true });
  const u = await undoRewind(store, ws, plan, { overwriteConflicts: overwrite, ...(memory ? { memory } : {}), holdWrites: d.sessions.holdWritesIn(ws.root) });
  d.stores.notifyChanged();
  await showWritten(root, plan.files, u.written, revertFailed(d));
  void notify.info(undoneMessage(u, plan.files, plan.memoryReverts.length > 0));
}

/** CheckpointErrors (a stale preview, a running session, nothing to undo) are the user's to read, not failures. */
async function reporting(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (CheckpointError.is(e)) void notify.warn(`Savepoint: ${e.message}`);
    else throw e;
  }
}

/** The step given by the caller (the sidebar passes it), or the one the user picks, with the changes of files it made. */
async function pickStep(d: Deps, id: SessionId, placeHolder: string, given?: unknown, every = false): Promise<StepChanges | undefined> {
  const store = await storeOf(d);
  // `every` checkpoint (to rewind or fork to: a step that changed no file is one for the conversation), or the steps that changed files and the start.
  const history = await loadFileHistory(store, id);
  const steps = every ? stepChoices(history) : [...stepChanges(history), { step: 0, calls: [], files: [] }];
  if (typeof given === 'number' && Number.isInteger(given) && given >= 0) return steps.find((s) => s.step === given) ?? { step: given, calls: [], files: [] };
  const items = steps.map((s) =>
    s.step === 0
      ? { label: 'Before the session', description: 'every file as it was before the session touched it', step: 0, s }
      : { label: `Step ${s.step}`, description: stepPickDescription(s), step: s.step, s },
  );
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.s;
}

/** The session given by the caller or picked, when it is not running (a running one is refused with `why`). */
async function idleSession(d: Deps, arg: unknown, placeHolder: string, why: string): Promise<SessionId | undefined> {
  const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession(placeHolder));
  // Its files are in the folder it worked in: another folder's files are never rewound in its name.
  if (id) folder(d, id);
  if (!id || !d.sessions.isRunning(id)) return id;
  void notify.warn(`Savepoint: the session is running or waiting for your answer: pause it first (Pause in the sidebar, or Savepoint: Pause Session), then try ${why} again.`);
  return undefined;
}

export function registerCheckpointCommands(d: Deps): vscode.Disposable[] {
  return Object.entries(checkpointCommands(d)).map(([id, run]) => vscode.commands.registerCommand(id, run));
}

/**
 * The checkpoint commands by id. What stops one (no folder, no store: NotReady) is told as a
 * warning that says why and what to do, as the other commands do; other failures as errors.
 */
export function checkpointCommands(d: Deps): Record<string, (...args: unknown[]) => Promise<void>> {
  const guard =
    (body: (...args: unknown[]) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      try {
        await body(...args);
      } catch (e) {
        await explainFailure(e, d.log);
      }
    };
  return {
    'savepoint.rewindSession': guard(async (arg?: unknown, stepArg?: unknown) => {
      folder(d);
      await storeOf(d, true);
      const id = await idleSession(d, arg, 'Rewind which session?', 'the rewind');
      if (!id) return;
      const target = await pickStep(d, id, 'Restore the workspace to its state after which step?', stepArg, true);
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
      // A conversation rewind continues in a fork: as for Fork, what it goes on with (needed from a finished session's last step).
      const message = mode.mode === 'files' ? '' : await askText({ title: 'Savepoint: Rewind', prompt: 'What should the new session do from there? (optional unless the session had finished)', what: 'the message', send: 'Continue', fileName: 'Savepoint message', empty: true });
      if (message === undefined) return;
      const store = await storeOf(d);
      await reporting(async () => {
        const ws = workspace(d, id);
        const outliner = await d.sessions.symbolOutliner();
        // Contents kept by hash only (over the size limit) may be in the user's git: taken only when verified against the hash.
        const plan = await planRewind(store, ws, id, target.step, { mode: mode.mode, fromGit: new GitContents(ws.root), ...(outliner ? { outliner } : {}) });
        const missing = messageMissing(plan, message);
        if (missing) return void notify.warn(`Savepoint: ${missing}`);
        const root = folder(d, id);
        markUnsaved(plan.files, unsavedUnder(root));
        const changes = plan.files.filter((f) => f.action !== 'none');
        const memory = await d.stores.memory({ evenWhenOff: true });
        const memoryWrites = plan.conversation && memory ? await memory.previewRevert(id, plan.conversation.seq) : [];
        const preview = previewDetail(changes, memoryWrites.length ? [`Also undoes ${count(memoryWrites.length, 'long-term memory write')} this session made after that step.`] : []);
        // The step the plan goes back to: one that never settled goes back to the end of the step before.
        const at = targetName(plan.targetStep);
        // What git did in the steps taken back stays done (a rewind never touches .git): said before and after.
        const git = await repoCommandsAfter(store, id, plan.targetStep);
        const question = rewindQuestion(mode.mode, plan.targetStep, changes, { folder: folderName(d, id), asked: target.step, git });
        if (!(await confirmPlan(question, preview || 'No file changes.', plan.files, 'Rewind', `Rewind to ${at}: disk now ↔ after`, root))) return;
        const overwrite = await pickOverwrites(plan.files, 'the rewind', root);
        if (!overwrite) return;
        const result = await applyRewind(store, ws, plan, { overwriteConflicts: overwrite, ...(memory ? { memory } : {}), ...(message.trim() ? { message: message.trim() } : {}), holdWrites: d.sessions.holdWritesIn(ws.root) });
        // The conversation continues in a fork, which works where its parent did.
        if (result.forkId) await d.sessions.folders?.inherit(result.forkId, id);
        d.stores.notifyChanged();
        await showWritten(root, plan.files, result.written, revertFailed(d));
        const done = rewoundMessage(plan, result, git);
        const buttons = [...(done.offerUndo ? ['Undo'] : []), ...(done.offerResume ? ['Resume It'] : [])];
        const answer = buttons.length ? await notify.info(done.text, ...buttons) : (void notify.info(done.text), undefined);
        if (answer === 'Undo') await runUndo(d, store, id, { rewindId: result.rewindId, targetStep: plan.targetStep, mode: plan.mode }, false);
        if (answer === 'Resume It' && result.forkId) await d.sessions.resume(result.forkId);
      });
    }),
    'savepoint.undoRewind': guard(async (arg?: unknown, rewindArg?: unknown) => {
      folder(d);
      await storeOf(d, true);
      const id = await idleSession(d, arg, 'Undo a rewind of which session?', 'the undo');
      if (!id) return;
      const store = await storeOf(d);
      await reporting(async () => {
        const rewinds = (await listRewinds(store, id)).filter(undoable);
        if (!rewinds.length) {
          void notify.info('Savepoint: this session has no rewind left to undo.');
          return;
        }
        // The sidebar names a rewind by the seq of its event; a caller may also give its id.
        const given = rewinds.find((r) => r.rewindId === rewindArg || r.seq === rewindArg);
        if (rewindArg !== undefined && !given) {
          void notify.info('Savepoint: that rewind was undone already.');
          return;
        }
        const r =
          given ??
          (rewinds.length === 1
            ? rewinds[0]
            : (
                await vscode.window.showQuickPick(
                  rewinds.map((x) => ({ label: `Rewind to ${targetName(x.targetStep)}`, description: new Date(x.at).toLocaleString(), detail: rewindPickDetail(x), r: x })),
                  { placeHolder: 'Undo which rewind? (newest first)' },
                )
              )?.r);
        if (r) await runUndo(d, store, id, r, true);
      });
    }),
    'savepoint.forkSession': guard(async (arg?: unknown, stepArg?: unknown) => {
      await storeOf(d, true);
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Fork which session?'));
      if (!id) return;
      // The fork works where its parent did: that folder must be open.
      folder(d, id);
      const target = await pickStep(d, id, 'Start the new session from the checkpoint after which step?', stepArg, true);
      if (!target) return;
      const message = await askText({ title: 'Savepoint: Fork', prompt: 'What should the new session do from there? (optional unless the session had finished)', what: 'the message', send: 'Fork', fileName: 'Savepoint message', empty: true });
      if (message === undefined) return;
      const store = await storeOf(d);
      try {
        const fork = await forkSession(store, id, target.step, message.trim() ? { message: message.trim() } : {});
        await d.sessions.folders?.inherit(fork.id, id);
        d.stores.notifyChanged();
        const from = fork.parent?.step ?? target.step;
        // A fork goes back in the conversation only: what later steps did to git (and the files) stays, said.
        const a = await notify.info(forkedMessage(fork.title, target.step, from, await repoCommandsAfter(store, id, from)), 'Resume It');
        if (a) await d.sessions.resume(fork.id);
      } catch (e) {
        if (CheckpointError.is(e)) void notify.warn(`Savepoint: ${e.message}`);
        else throw e;
      }
    }),
    'savepoint.openStepDiff': guard(async (arg?: unknown, stepArg?: unknown, pathArg?: unknown, callArg?: unknown) => {
      await storeOf(d);
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Diff of which session?'));
      if (!id) return;
      const target = await pickStep(d, id, 'Which step?', stepArg);
      if (!target || target.files.length === 0) {
        if (target) void notify.info(`Savepoint: step ${target.step} changed no file.`);
        return;
      }
      // The sidebar's row of a call names the call: a step may change the file in two calls.
      const given = typeof pathArg === 'string' ? changeOf(target, pathArg, typeof callArg === 'string' ? callArg : undefined) : undefined;
      const t = given ?? (target.files.length === 1 ? target.files[0] : (await vscode.window.showQuickPick(target.files.map((x) => ({ label: x.path, t: x })), { placeHolder: 'Which file?' }))?.t);
      if (!t) return;
      const side = (hash: string | null, link: string | undefined) => (link !== undefined ? BlobContentProvider.link(link, t.path) : BlobContentProvider.uri(hash, t.path));
      await vscode.commands.executeCommand('vscode.diff', side(t.beforeHash, t.beforeLink), side(t.afterHash, t.afterLink), `${t.path} (step ${t.step})`, { preview: true });
    }),
    'savepoint.showStepSymbols': guard(async (arg?: unknown, stepArg?: unknown, pathArg?: unknown) => {
      await storeOf(d);
      const id = (typeof arg === 'string' ? arg : undefined) as SessionId | undefined ?? (await d.pickSession('Symbols of which session?'));
      if (!id) return;
      const target = await pickStep(d, id, 'As which step left the files?', stepArg);
      if (!target) return;
      const store = await storeOf(d);
      let outlines: StepOutline[];
      try {
        outlines = await stepOutlines(store, id, target.step, typeof pathArg === 'string' ? pathArg : undefined, { outliner: () => d.sessions.symbolOutliner() });
      } catch (e) {
        if (CheckpointError.is(e)) return void notify.warn(`Savepoint: ${e.message}`);
        throw e;
      }
      // The symbols of the files the step left, from the checkpoint's outlines; picking one opens that version at it.
      type Item = vscode.QuickPickItem & { o?: StepOutline; line?: number };
      const items: Item[] = outlines.flatMap((o): Item[] => [
        ...(outlines.length > 1 ? [{ label: o.path, kind: vscode.QuickPickItemKind.Separator }] : []),
        ...(o.outline.parseError !== undefined || o.outline.skipped !== undefined
          ? [{ label: `$(warning) symbols not read`, description: o.outline.skipped ? 'too large to parse' : o.outline.parseError, o, line: 1 }]
          : o.outline.symbols.map((s) => ({ label: `$(${symbolIcon(s.kind)}) ${s.name}`, description: `${s.kind} · lines ${s.startLine}-${s.endLine}`, o, line: s.startLine }))),
      ]);
      const picked = await vscode.window.showQuickPick(items, {
        title: `Savepoint: symbols ${target.step === 0 ? 'before the session' : `at step ${target.step}`}${outlines.length === 1 ? ` · ${outlines[0]?.path}` : ''}${outlines.some((o) => o.outline.hasSyntaxErrors) ? ' (with syntax errors: best effort)' : ''}`,
        placeHolder: target.step === 0 ? 'Go to a symbol as it was before the session' : 'Go to a symbol as the step left it',
        matchOnDescription: true,
      });
      if (!picked?.o) return;
      const line = Math.max(0, (picked.line ?? 1) - 1);
      await vscode.window.showTextDocument(BlobContentProvider.uri(picked.o.file, picked.o.path), { preview: true, selection: new vscode.Range(line, 0, line, 0) });
    }),
  };
}

/** The codicon VS Code's own outline uses for each kind of symbol. */
const SYMBOL_ICONS: Record<SymbolKind, string> = {
  function: 'symbol-function',
  method: 'symbol-method',
  class: 'symbol-class',
  interface: 'symbol-interface',
  type: 'symbol-type-parameter',
  enum: 'symbol-enum',
  struct: 'symbol-struct',
  union: 'symbol-struct',
  trait: 'symbol-interface',
  impl: 'symbol-class',
  module: 'symbol-namespace',
  namespace: 'symbol-namespace',
  constant: 'symbol-constant',
  variable: 'symbol-variable',
  property: 'symbol-property',
  macro: 'symbol-misc',
};
const symbolIcon = (kind: string): string => SYMBOL_ICONS[kind as SymbolKind] ?? 'symbol-misc';
