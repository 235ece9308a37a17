import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { CaptureSlot } from '../core/capture/captureSlot';
import { FolderTurns } from '../core/capture/commandTurns';
import { MemoryContentStore } from '../core/capture/memoryContentStore';
import { SerialCapture } from '../core/capture/serialCapture';
import { FolderTurnLock } from '../core/node/folderTurnLock';
import { NodeChangeCapture } from '../core/node/nodeChangeCapture';
import type { HeldWrite } from '../core/ports/changeCapture';
import { readSettings } from './settings';
import type { StoreHost } from './storeHost';
import { UserWrites } from './userWrites';

/** A folder's change capture, and the same shared by the runners working there (one command at a time). */
export interface FolderCapture {
  capture: NodeChangeCapture;
  shared: SerialCapture;
  dispose(): Promise<void>;
}

/**
 * Where the change capture of the folder `root` keeps its log: beside the store, one folder of logs
 * per workspace folder when several are open (each capture recovers its own folder's commands). A
 * workspace of one folder keeps the one it always had.
 */
export function captureLogDirOf(base: string, root: string, folderCount: number): string {
  return folderCount > 1 ? `${base}-${createHash('sha256').update(root).digest('hex').slice(0, 16)}` : base;
}

/**
 * Each workspace folder's change capture as the runners working there share it (one command at a
 * time across sessions), made on first use, and made again after its settings change (once no run
 * uses it: see CaptureSlot).
 */
export class FolderCaptures implements vscode.Disposable {
  private readonly slots = new Map<string, CaptureSlot<FolderCapture>>();
  /** Each folder's one-command-at-a-time queue (kept when its capture is made again), with the other processes' (the CLI's) commands there. */
  private readonly turns = new FolderTurns((root) => new FolderTurnLock(root));
  private readonly configWatch: vscode.Disposable;
  private readonly userWrites: UserWrites;

  constructor(
    private readonly stores: Pick<StoreHost, 'captureLogDir' | 'captureLogKey'>,
    private readonly log: vscode.LogOutputChannel,
    /** Whether a session runs now (for the log line). */
    running: () => boolean,
  ) {
    this.configWatch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('savepoint.ignore') && !e.affectsConfiguration('savepoint.checkpoints.maxFileSizeMB')) return;
      if ([...this.slots.values()].some((c) => c.made)) this.log.info(`the change capture's settings changed: it starts again with them${running() ? ' once the running sessions stop' : ''}`);
      for (const c of this.slots.values()) c.invalidate();
    });
    // The user's saves and Explorer operations are theirs: a command another session runs meanwhile does not take them for its own.
    this.userWrites = new UserWrites(() => [...this.slots].flatMap(([root, slot]) => (slot.made ? [{ root, shared: slot.get().shared }] : [])), log);
  }

  /** The change capture of the folder `root` (one per folder, made on first use). */
  in(root: string): CaptureSlot<FolderCapture> {
    let slot = this.slots.get(root);
    if (!slot) this.slots.set(root, (slot = new CaptureSlot(() => this.make(root))));
    return slot;
  }

  /**
   * A rewind or undo of a session in the folder `root` is about to write these files: a command
   * another session runs there meanwhile does not take the writes for its own (see
   * SerialCapture.holdWrites). Returns the release.
   */
  holdWritesIn(root: string): (writes: readonly HeldWrite[]) => (notWritten?: readonly string[]) => void {
    return (writes) => {
      const slot = this.slots.get(root);
      return slot?.made ? slot.get().shared.holdWrites(writes) : () => undefined;
    };
  }

  /** A change capture of the workspace folder `root`, with the settings of the moment; its log beside the store. */
  private make(root: string): FolderCapture {
    // Its ignored paths and size limit: the folder's own settings choose them (a workspace of several folders).
    const settings = readSettings(vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' && f.uri.fsPath === root));
    const capture = new NodeChangeCapture(root, {
      contentStore: new MemoryContentStore(),
      maxFileBytes: settings.maxFileBytes,
      ignore: settings.ignore,
      logDir: captureLogDirOf(this.stores.captureLogDir, root, vscode.workspace.workspaceFolders?.length ?? 1),
      logKey: () => this.stores.captureLogKey(),
    });
    capture.start().catch((e: unknown) => this.log.warn(`change capture unavailable: ${String(e)}`));
    // A folder inside another open folder (a package of a repository) takes its turns in that one's queue: the outer capture sees its files.
    const roots = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => (f.uri.scheme === 'file' ? [f.uri.fsPath] : []));
    return { capture, shared: new SerialCapture(capture, this.turns.of(root, roots)), dispose: () => capture.dispose() };
  }

  dispose(): void {
    this.configWatch.dispose();
    this.userWrites.dispose();
    for (const c of this.slots.values()) void c.dispose();
  }
}
