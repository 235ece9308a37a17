import { join } from 'node:path';
import * as vscode from 'vscode';
import { AstOutliner } from '../core/code/astOutline';
import { AnthropicLlmClient } from '../core/model/anthropicLlmClient';
import { CommandDiagnostics } from '../core/node/commandDiagnostics';
import { NodeProcessRunner } from '../core/node/nodeProcessRunner';
import { NodeWorkspace } from '../core/node/nodeWorkspace';
import { STALE_SWEEP_MARKER, sweepStaleStagingWhenDue } from '../core/node/staleStaging';
import { removeCrashLeftovers, sweepCrashLeftovers } from '../core/checkpoints/rewindPlan';
import type { ApprovalAnswer, ApprovalGate, ApprovalRequest } from '../core/ports/approvalGate';
import { PAUSED_BY_USER, type RunOutcome, Runner, type RunnerNotice } from '../core/runner/runner';
import { rememberLostEpisodes } from '../core/runner/sessionNotes';
import { RunnerError } from '../core/runner/sessionJournal';
import type { SessionId } from '../core/store/types';
import type { CheckpointStore } from '../core/store/checkpointStore';
import { builtinTools } from '../core/tools/registry';
import { memoryTools } from '../core/memory/memoryTools';
import { FolderMissing, type SessionFolders } from '../shared/sessionFolder';
import { lateAnswerRefused, lateQuestionGone } from '../shared/lateQuestion';
import { captureLogDirOf, FolderCaptures } from './folderCaptures';
import { logNotice, pinnedLine, startedLine } from './sessionLog';
import { readEncryptAtRest, readSettings } from './settings';
import type { CheckCommandConsent } from './checkCommandConsent';
import type { StoreHost } from './storeHost';
import { VscodeDiagnostics } from './vscodeDiagnostics';
import { notify } from './notify';
import type { RunEnd } from '../shared/outcomeNotice';
import { FolderNotOpen, NotReady, readyToRun, rootOf } from './readiness';

/**
 * Runs the workspace's sessions in the extension host: one runner per run, composed from the
 * settings, the secret API key and the workspace's store. Sessions run in the background; each
 * can be paused (at the next step boundary) or cancelled.
 */
export class SessionService implements vscode.Disposable {
  private readonly running = new Map<SessionId, { abort: AbortController; done: Promise<RunOutcome | undefined> }>();
  /** Sessions whose run is being set up (the runner is composed asynchronously): a second resume meanwhile starts nothing. */
  private readonly starting = new Set<SessionId>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly notices = new vscode.EventEmitter<RunnerNotice>();
  /** Every runner notice as it happens: committed events and the model's streamed output (the sidebar's live timeline). */
  readonly onDidNotice = this.notices.event;
  private readonly ends = new vscode.EventEmitter<{ sessionId: SessionId; end: RunEnd }>();
  /** A run ended (completed, failed, waiting, paused) or stopped on an error: the extension tells the user (`outcomeNotice`). */
  readonly onDidEndRun = this.ends.event;
  private notifyTimer: NodeJS.Timeout | undefined;
  /** Each workspace folder's change capture, shared by the runners working there. */
  private readonly captures: FolderCaptures;
  private outliner: Promise<AstOutliner | undefined> | undefined;
  /** The folder each session works in, checked before a run (set by the extension; see sessionFolder.ts). */
  folders: SessionFolders | undefined;

  constructor(
    private readonly stores: StoreHost,
    private readonly secrets: vscode.SecretStorage,
    private readonly gate: ApprovalGate,
    private readonly log: vscode.LogOutputChannel,
    private readonly extensionPath: string,
    private readonly checkConsent: CheckCommandConsent,
  ) {
    this.captures = new FolderCaptures(stores, log, () => this.running.size > 0);
  }

  /** See FolderCaptures.holdWritesIn. */
  holdWritesIn(root: string): ReturnType<FolderCaptures['holdWritesIn']> {
    return this.captures.holdWritesIn(root);
  }

  /**
   * The folder a session works in (`SessionFolders.folderOf`): its own, wherever it is among the
   * workspace's folders; NotReady saying which to add back when it is not open.
   */
  folderOf(id: SessionId): vscode.WorkspaceFolder {
    const open = vscode.workspace.workspaceFolders ?? [];
    let uri: string | undefined;
    try {
      uri = this.folders?.folderOf(id).uri;
    } catch (e) {
      throw new FolderNotOpen(e instanceof Error ? e.message : String(e), e instanceof FolderMissing ? e.folder : undefined);
    }
    const folder = open.find((f) => f.uri.toString() === uri) ?? open[0];
    if (!folder) throw new NotReady('Open a folder first: the agent works inside a workspace folder.');
    return folder;
  }

  isRunning(id: SessionId): boolean {
    return this.running.has(id) || this.starting.has(id);
  }

  /**
   * Whether a session could start now (a folder on disk open, and `readyToRun`): asked before the
   * user types a task, so that what stops it is said first and nothing typed is lost. Throws NotReady.
   */
  async canStart(): Promise<void> {
    const open = vscode.workspace.workspaceFolders ?? [];
    rootOf(open.find((f) => f.uri.scheme === 'file'));
    await readyToRun(this.stores, this.secrets, true);
  }

  /** Starts a session working in `folder` (default: the workspace's first). */
  async start(task: string, folder: vscode.WorkspaceFolder | undefined = vscode.workspace.workspaceFolders?.[0]): Promise<SessionId> {
    const root = rootOf(folder);
    // Claimed before the runner takes the capture: a settings change meanwhile does not drop it under the run.
    const ended = this.captures.in(root).begin();
    try {
      const runner = await this.runner(root);
      const s = readSettings(folder);
      const id = await runner.start({ task, models: s.models, maxTokens: s.maxTokens, budgets: s.budgets, policy: s.policy });
      if (folder) await this.folders?.record(id, { uri: folder.uri.toString(), name: folder.name, path: folder.uri.fsPath });
      this.log.info(startedLine(id, task, readEncryptAtRest()));
      this.launch(id, runner, ended);
      return id;
    } catch (e) {
      ended();
      throw e;
    }
  }

  async resume(id: SessionId): Promise<void> {
    // Running and waiting on a question the user lost sight of: put it back on screen.
    if (this.isRunning(id)) {
      if (this.gate.reshow?.(id)) this.log.info(`session ${id}: its pending approval was shown again`);
      return;
    }
    const folder = this.folderOf(id);
    const root = rootOf(folder);
    this.starting.add(id);
    const ended = this.captures.in(root).begin();
    try {
      // The models in the settings now: a session stopped by a model name the API did not know goes on once it is corrected.
      this.launch(id, await this.runner(root), ended, readSettings(folder).models);
    } catch (e) {
      ended();
      throw e;
    } finally {
      this.starting.delete(id);
    }
  }

  pause(id: SessionId): boolean {
    const r = this.running.get(id);
    r?.abort.abort(PAUSED_BY_USER);
    return !!r;
  }

  async cancel(id: SessionId): Promise<void> {
    const r = this.running.get(id);
    if (r) {
      r.abort.abort('cancelled by the user');
      await r.done;
    }
    await (await this.journalRunner()).cancel(id);
    this.soon();
  }

  /**
   * An answer clicked on a question's notification after its run stopped (a pause): journaled as
   * `savepoint approve` does, so that the resume goes on without asking again; then the user is
   * offered the resume. A question no longer open (the session cancelled, or answered meanwhile)
   * records nothing, and says so.
   */
  async answerLate(r: ApprovalRequest, answer: ApprovalAnswer): Promise<void> {
    if (this.isRunning(r.sessionId as SessionId)) return void notify.info('Savepoint: that session is running again and has asked anew; answer the new question.');
    try {
      await (await this.journalRunner()).decide(r.sessionId as SessionId, r.approvalId, answer);
    } catch (e) {
      this.log.info(`a late answer to ${r.approvalId}: ${e instanceof Error ? e.message : String(e)}`);
      // The refusal's own words name ids; the user knows the session by its title.
      const store = RunnerError.is(e, 'INVALID') ? (await this.stores.get()).store : undefined;
      const now = store ? await store.getSession(r.sessionId as SessionId).catch(() => null) : null;
      if (now !== null) return void notify.info(`Savepoint: ${lateAnswerRefused(now, r.approvalId)}`);
      return void notify.info(`Savepoint: that question is no longer open, so your answer was not recorded (${e instanceof Error ? e.message : String(e)}).`);
    }
    this.log.info(`session ${r.sessionId}: answer '${answer.decision}' to ${r.approvalId} recorded after its run stopped`);
    this.soon();
    const go = await notify.info(`Savepoint: your answer (${answer.decision}) is recorded. The session is paused: resume it to go on.`, 'Resume Session');
    if (go) await this.resume(r.sessionId as SessionId);
  }

  /** Why a click on a question of a run that stopped cannot be answered any more (`lateQuestionGone`); undefined while it may be. */
  async lateRefusal(r: ApprovalRequest): Promise<string | undefined> {
    const store = (await this.stores.get()).store;
    if (!store || this.isRunning(r.sessionId as SessionId)) return undefined;
    return lateQuestionGone(await store.getSession(r.sessionId as SessionId));
  }

  /** Puts back the messages the latest compaction of a session summarized (not while it runs). */
  async undoCompaction(id: SessionId): Promise<{ compactionId: string; restored: number }> {
    if (this.running.has(id)) throw new NotReady('Pause the session first: its history cannot change while it runs.');
    const r = await (await this.journalRunner()).undoCompaction(id);
    this.log.info(`session ${id}: ${r.compactionId} undone, ${r.restored} messages restored`);
    this.soon();
    return r;
  }

  /** Pins (or unpins) a fact sent verbatim with every later request of the session. */
  async pinFact(id: SessionId, fact: string, remove = false): Promise<void> {
    if (this.running.has(id)) throw new NotReady('Pause the session first: pins are added between runs.');
    await (await this.journalRunner()).pinFact(id, fact, remove);
    this.log.info(pinnedLine(id, fact, remove, readEncryptAtRest()));
    this.soon();
  }

  /** Sessions journaled as running that no process runs any more (the editor died): mark them interrupted. */
  async recoverInterrupted(): Promise<Array<{ id: SessionId; title: string }>> {
    const state = await this.stores.get();
    if (!state.store || state.readOnly) return [];
    const runner = await this.journalRunner();
    const marked: Array<{ id: SessionId; title: string }> = [];
    for (const s of await this.stores.listSessions()) {
      if (s.status !== 'running' || this.running.has(s.id)) continue;
      try {
        if (await runner.markInterrupted(s.id, 'the editor stopped while the session was running')) marked.push({ id: s.id, title: s.title });
      } catch (e) {
        this.log.warn(`could not mark ${s.id} interrupted: ${String(e)}`);
      }
    }
    if (marked.length) this.soon();
    return marked;
  }

  /**
   * After a restart: the long-term memory of finished sessions whose process died before it was
   * written (see rememberLostEpisodes), from their journals; nothing runs and no model is asked.
   * Once: a session whose episode is written is skipped. Not in a read-only store, nor with memory off.
   */
  async rememberLostEpisodes(): Promise<number> {
    const state = await this.stores.get();
    if (!state.store || state.readOnly) return 0;
    const memory = await this.stores.memory();
    if (!memory) return 0;
    const written = await rememberLostEpisodes(state.store, memory, await this.stores.listSessions());
    if (written.length) {
      this.log.info(`long-term memory: wrote the episode of ${written.length} finished session(s) a crash had left without one: ${written.join(', ')}`);
      this.soon();
    }
    return written.length;
  }

  /**
   * After a restart: removes the temporary files that rewinds and writes cut short by a crash left
   * beside the workspace's files: those named by their records (`sweepCrashLeftovers`), and those no
   * record names, 10 minutes old or more (`sweepStaleStagingWhenDue`: a walk of the whole workspace, at
   * most once a day). Only Savepoint's own
   * `.savepoint-*.tmp` files; nothing in a restricted workspace.
   */
  async sweepCrashLeftovers(): Promise<number> {
    let total = 0;
    const sessions = await this.stores.listSessions();
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const folder of folders) {
      const at = await this.leftoversHome(folder);
      if (!at) continue;
      // Each session's records name files in its own folder.
      const own = sessions.filter((s) => this.folderIfOpen(s.id)?.uri.toString() === folder.uri.toString());
      const marker = join(captureLogDirOf(this.stores.captureLogDir, at.workspace.root, folders.length), STALE_SWEEP_MARKER);
      const [named, stale] = await Promise.all([sweepCrashLeftovers(at.store, at.workspace, own), sweepStaleStagingWhenDue(at.workspace.root, marker).then((r) => r ?? [])]);
      const where = folders.length > 1 ? ` in the folder "${folder.name}"` : '';
      if (named) this.log.info(`removed ${named} temporary file(s)${where} left by a rewind the editor's stop cut short`);
      if (stale.length) this.log.info(`removed ${stale.length} temporary file(s)${where} left by a rewind or write a crash cut short before its record: ${stale.join(', ')}`);
      total += named + stale.length;
    }
    return total;
  }

  /** Before a session is deleted: the temporary files of its crashed rewinds, which nothing would name afterwards. */
  async removeCrashLeftovers(id: SessionId): Promise<void> {
    const at = await this.leftoversHome(this.folderIfOpen(id));
    if (at) await removeCrashLeftovers(at.store, at.workspace, id).catch((e: unknown) => this.log.warn(`clean-up before deleting ${id}: ${String(e)}`));
  }

  /** The session's folder when it is open (`folderOf`), else undefined. */
  folderIfOpen(id: SessionId): vscode.WorkspaceFolder | undefined {
    try {
      return this.folderOf(id);
    } catch {
      return undefined;
    }
  }

  private async leftoversHome(folder: vscode.WorkspaceFolder | undefined): Promise<{ store: CheckpointStore; workspace: NodeWorkspace } | undefined> {
    const state = await this.stores.get();
    if (!state.store || state.readOnly || !vscode.workspace.isTrusted || !folder || folder.uri.scheme !== 'file') return undefined;
    return { store: state.store, workspace: new NodeWorkspace(folder.uri.fsPath) };
  }

  /** Pauses every running session and waits for them to reach a checkpoint, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort('the editor is closing');
    await Promise.race([Promise.all(all.map((r) => r.done)), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  /** `ended`: the run's claim on the change capture (see CaptureSlot), released when the run stops. */
  private launch(id: SessionId, runner: Runner, ended: () => void, models?: readonly string[]): void {
    this.log.info(`session ${id}: running from its latest checkpoint`);
    const abort = new AbortController();
    const done = runner.run(id, abort.signal, models ? { models } : {}).then(
      (out) => {
        this.log.info(`session ${out.sessionId}: ${out.status}${out.reason ? ` (${out.reason})` : ''}`);
        this.ends.fire({ sessionId: id, end: out.reason === undefined ? { status: out.status } : { status: out.status, reason: out.reason } });
        return out;
      },
      (e: unknown) => {
        this.log.error(`session ${id} stopped on an error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        this.ends.fire({ sessionId: id, end: { status: 'error', error: e instanceof Error ? e.message : String(e) } });
        return undefined;
      },
    );
    const run = { abort, done };
    this.running.set(id, run);
    void done.finally(() => {
      if (this.running.get(id) === run) this.running.delete(id);
      ended();
      this.soon();
    });
    this.soon();
  }

  /** Coalesced "sessions changed" for the sidebar and the status bar. */
  private soon(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.changed.fire();
      this.stores.notifyChanged();
    }, 100);
  }

  /**
   * A runner for what only reads or writes a session's journal (cancel, an answer after the run, a
   * pin, marking an interrupted run): in the first folder, whichever the session's is, since none of
   * these touches a file; a session whose folder is not open can still be cancelled. Nothing runs: a restricted workspace allows it.
   */
  private journalRunner(): Promise<Runner> {
    return this.runner(rootOf(vscode.workspace.workspaceFolders?.[0]), false);
  }

  /** A runner working in the folder `root`, with its change capture; `needsModel`: it runs the agent, which a restricted workspace refuses. */
  private async runner(root: string, needsModel = true): Promise<Runner> {
    const { store, apiKey } = await readyToRun(this.stores, this.secrets, needsModel);
    // The folder's own settings choose for its sessions (a workspace of several folders).
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' && f.uri.fsPath === root);
    const s = readSettings(folder);
    const checkCommand = await this.checkConsent.command(s, needsModel);
    // The key kept in the secret storage is masked as the environment's is: a command might find it elsewhere (a file, a keyring).
    const processes = new NodeProcessRunner(process.env, { names: s.secretEnvNames, extra: apiKey ? [{ name: 'ANTHROPIC_API_KEY', value: apiKey }] : [] });
    // What only writes a journal runs no command and outlines nothing: the folder's capture (an index of every file) and the outliner are not made for it.
    const capture = needsModel ? this.captures.in(root).get().shared : undefined;
    const outliner = needsModel ? await this.symbolOutliner() : undefined;
    const memory = await this.stores.memory();
    return new Runner({
      store,
      llm: new AnthropicLlmClient({ apiKey: apiKey || 'no-key', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), streamIdleMs: s.streamIdleMs }),
      tools: memory ? [...builtinTools(), ...memoryTools()] : builtinTools(),
      ...(memory ? { memory } : {}),
      diagnoseSteps: s.diagnoseSteps,
      maxContinuations: s.maxContinuations,
      context: s.context,
      toolContext: {
        workspace: new NodeWorkspace(root),
        processes,
        secrets: processes.secretMask(),
        diagnostics: checkCommand ? new CommandDiagnostics({ command: checkCommand, root, runner: processes, timeoutMs: s.checkTimeoutMs }) : new VscodeDiagnostics(root),
      },
      approvals: this.gate, policy: () => readSettings(folder).policy,
      ...(capture ? { capture } : {}),
      maxFileBytes: s.maxFileBytes,
      ...(outliner ? { outliner } : {}),
      onEvent: (e) => {
        logNotice(this.log, e, readEncryptAtRest);
        if (e.type === 'committed') this.soon();
        this.notices.fire(e);
      },
    });
  }

  /** The symbol outliner the runners and the rewind previews share (loaded once; undefined if it cannot load). */
  symbolOutliner(): Promise<AstOutliner | undefined> {
    this.outliner ??= AstOutliner.create({ wasmDir: join(this.extensionPath, 'dist', 'grammars'), runtimeWasmPath: join(this.extensionPath, 'dist', 'web-tree-sitter.wasm') }).catch((e: unknown) => {
      this.log.warn(`symbol outlines unavailable: ${String(e)}`);
      return undefined;
    });
    return this.outliner;
  }

  dispose(): void {
    for (const r of this.running.values()) r.abort.abort('the extension was disposed');
    this.captures.dispose();
    void this.outliner?.then((o) => o?.dispose());
    this.changed.dispose();
    this.notices.dispose();
    this.ends.dispose();
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
  }
}
