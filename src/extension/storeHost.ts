import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LongTermMemory } from '../core/memory/longTermMemory';
import { type OpenedMemory, openMemory } from '../core/memory/openMemory';
import { StoreError } from '../core/store/errors';
import { type DiskCheckpointStore, openCheckpointStore, repairCheckpointStore } from '../core/store/openStore';
import type { DeletionRecord, RetentionPolicy, SessionId, SessionSummary } from '../core/store/types';
import { count } from '../core/util/plural';
import { SharedListing, allSessions } from '../core/store/allSessions';
import { sessionOpsDone } from '../core/store/sessionOps';
import { WorkspaceRegistry } from '../core/store/workspaceRegistry';
import { readOrMakeKey } from '../core/store/storeKey';
import { type KeptSession, tidyStore } from '../core/store/housekeeping';
import { readEncryptAtRest, readMemoryEnabled, readRetention, readStoreSettings } from './settings';
import { notify } from './notify';
import { shownTitle } from '../shared/notificationText';

const STORE_KEY_SECRET = 'savepoint.storeEncryptionKey';

export interface StoreState {
  store: DiskCheckpointStore | undefined;
  readOnly: boolean;
  /** User-facing reason the store could not be opened. */
  error: string | null;
}

/**
 * Owns the workspace's checkpoint store: opened on first use (not at activation), in the
 * workspace storage folder (global storage when no folder is open), found again through the
 * registry when the editor's storage folder changed. Closed on dispose.
 */
export class StoreHost implements vscode.Disposable {
  private opening: Promise<StoreState> | undefined;
  private memoryOpening: { store: DiskCheckpointStore; opened: Promise<OpenedMemory | undefined> } | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** The views that refresh at a change (sidebar, status bar, approval timeouts) share one read of every session. */
  private readonly listing = new SharedListing(async () => {
    const { store } = await this.get();
    return store ? allSessions((o) => store.listSessions(o)) : [];
  });

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The change capture's log (its index on disk, so that a command a crash cuts off can be recorded at resume), beside the store. */
  get captureLogDir(): string {
    return join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, 'capture-log');
  }

  get(): Promise<StoreState> {
    this.opening ??= this.open();
    return this.opening;
  }

  listSessions(): Promise<SessionSummary[]> {
    return this.listing.get();
  }

  /**
   * Long-term memory: the workspace scope inside the session store, the user scope in its own store
   * in global storage (read-only when another window holds it). Undefined when the session store is
   * not open or `savepoint.memory.enabled` is off. Opened once per store, on first use.
   * `evenWhenOff`: for a rewind or its undo, which take back (or bring back) what a session wrote
   * there whatever the setting says now: memory turned off keeps what was written, to be read again
   * once it is back on, so a conversation rewound must not leave its later writes in it.
   */
  async memory(o: { evenWhenOff?: boolean } = {}): Promise<LongTermMemory | undefined> {
    if (!o.evenWhenOff && !readMemoryEnabled()) return undefined;
    const { store } = await this.get();
    if (!store) return undefined;
    if (this.memoryOpening?.store !== store) {
      const encrypt = readEncryptAtRest();
      const userDir = join(this.context.globalStorageUri.fsPath, 'user-memory');
      const opened = openMemory(store, userDir, encrypt ? { getKey: () => this.storeKey() } : undefined).then(
        (m) => {
          this.log.info(`long-term memory open: ${m.memory.openStats.entries} entries indexed in ${Math.round(m.memory.openStats.rebuildMs)} ms`);
          return m;
        },
        (e: unknown) => {
          this.log.warn(`long-term memory unavailable: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        },
      );
      this.memoryOpening = { store, opened };
    }
    return (await this.memoryOpening.opened)?.memory;
  }

  /**
   * After the restart recovery: finishes the session deletions a crash or a closed window cut short,
   * so that their space is freed, then deletes the finished sessions `savepoint.retention.*` does not
   * keep (never one `busy` names: this window runs it). Logged, never thrown: the sessions work without
   * it. Returns the sessions deleted.
   */
  async tidy(busy: (id: SessionId) => boolean): Promise<SessionId[]> {
    const { store } = await this.get();
    if (!store || store.readOnly) return [];
    try {
      const policy = readRetention();
      const { finished, deleted, kept } = await tidyStore(store, { policy, busy });
      if (finished > 0) this.log.info(`finished ${finished} session deletion(s) cut short before; their space is freed`);
      // Titles are the tasks: with encryption at rest on, not in the log's plain file.
      const sealed = readEncryptAtRest();
      for (const d of deleted) this.log.info(`deleted session ${d.sessionId}${sealed ? '' : ` "${d.title}"`} (${d.reason})`);
      for (const k of kept) this.log.info(`kept session ${k.sessionId}${sealed ? '' : ` "${k.title}"`} that the retention settings do not keep: ${k.why}`);
      if (deleted.length > 0) {
        this.fireChanged();
        // Sessions gone from the sidebar without a word read as lost work: the user is told which, and by which setting.
        void notify.info(`Savepoint: ${retentionNotice(deleted, kept, policy)}`, 'Show Logs').then((a) => a && this.log.show());
      }
      return deleted.map((d) => d.sessionId);
    } catch (e) {
      this.log.warn(`store housekeeping: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  /** Tell listeners (the sidebar) that sessions changed. */
  notifyChanged(): void {
    this.fireChanged();
  }

  /** A listing under way is not shared past a change: the listeners read the sessions again. */
  private fireChanged(): void {
    this.listing.changed();
    this.changed.fire();
  }

  /**
   * A window that shows the store read-only (another window held it when this one opened it) takes
   * it over once that window has closed, without a reload: tried when this window is focused again
   * and before an action that writes (never on a timer, so that a window being reloaded does not lose
   * its store to another one meanwhile). The read-only copy is closed a little later, once the reads
   * under way on it are done. True when this window holds the store now.
   */
  takeOver(): Promise<boolean> {
    this.takingOver ??= this.tryTakeOver().finally(() => (this.takingOver = undefined));
    return this.takingOver;
  }

  /** The state for an action that writes: read-only, the store is taken over first when it can be (`takeOver`). */
  async writable(): Promise<StoreState> {
    const state = await this.get();
    return state.store && state.readOnly && (await this.takeOver()) ? this.get() : state;
  }

  private takingOver: Promise<boolean> | undefined;
  private readonly retired = new Set<DiskCheckpointStore>();
  private readonly tookOver = new vscode.EventEmitter<void>();
  /** Fired once this window holds a store it showed read-only (`takeOver`): what a window does at start with its store (the restart recovery) is due now. */
  readonly onDidTakeOver = this.tookOver.event;

  private async tryTakeOver(): Promise<boolean> {
    const state = await this.get();
    const current = this.opening;
    if (!state.store) return false;
    if (!state.readOnly) return true;
    const copy = state.store;
    let own: DiskCheckpointStore;
    try {
      own = await this.openStore(copy.dir, 'fail', readStoreSettings());
    } catch (e) {
      if (!StoreError.is(e, 'LOCKED')) this.log.warn(`the store could not be taken over from the read-only copy: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    // Replaced meanwhile (a repair): this one is not needed.
    if (this.opening !== current) {
      await own.close();
      return false;
    }
    this.opening = Promise.resolve({ store: own, readOnly: false, error: null });
    await this.record(new WorkspaceRegistry(this.context.globalStorageUri.fsPath), own, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    // Memory read from the copy goes with it (its user scope may hold the user store, which the next opening needs).
    const memory = this.memoryOpening;
    this.memoryOpening = undefined;
    await (await memory?.opened)?.close().catch(() => undefined);
    this.retired.add(copy);
    setTimeout(() => void this.retire(copy), 10_000).unref();
    this.log.info(`store taken over at ${own.dir}: the window that held it has closed`);
    this.fireChanged();
    this.tookOver.fire();
    return true;
  }

  private async retire(copy: DiskCheckpointStore): Promise<void> {
    if (!this.retired.delete(copy)) return;
    await copy.close().catch((e: unknown) => this.log.warn(`the read-only copy of the store was not removed: ${String(e)}`));
  }

  /** The store at `dir` with the settings' options (its damaged records logged): at first use, and when taken over. */
  private async openStore(dir: string, onLocked: 'readonly' | 'fail', config: ReturnType<typeof readStoreSettings>): Promise<DiskCheckpointStore> {
    const store = await openCheckpointStore({
      dir,
      onLocked,
      syncWrites: config.syncWrites,
      snapshotEvery: config.snapshotEvery,
      ...(config.encryptAtRest ? { keyProvider: { getKey: () => this.storeKey() } } : {}),
    });
    store.onQuarantine((n) => this.log.warn(`a damaged record was set aside: ${n.key} (${n.reason})`));
    return store;
  }

  /** The registry learns which folders this store belongs to (a window that holds it only). */
  private record(registry: WorkspaceRegistry, store: DiskCheckpointStore, folders: string[]): Promise<void> {
    return registry.record(store.workspaceId, store.dir, folders).catch((e: unknown) => this.log.warn(`workspace registry not updated: ${String(e)}`));
  }

  private async open(): Promise<StoreState> {
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const registry = new WorkspaceRegistry(this.context.globalStorageUri.fsPath);
    const config = readStoreSettings();
    try {
      const location = await registry.locate(storage.fsPath, folders);
      if (location.adoptedFrom) this.log.info(`using the store of this workspace found through the registry: ${location.dir}`);
      const store = await this.openStore(location.dir, 'readonly', config);
      if (!store.readOnly) await this.record(registry, store, folders);
      this.log.info(`store open at ${location.dir}${store.readOnly ? ' (read-only: another window holds it)' : ''}`);
      return { store, readOnly: store.readOnly, error: null };
    } catch (e) {
      this.log.error(`the store could not be opened: ${e instanceof Error ? e.message : String(e)}`);
      if (StoreError.is(e, 'CORRUPT')) void this.offerRepair(storage.fsPath, folders, registry);
      return { store: undefined, readOnly: true, error: describeStoreError(e, config.encryptAtRest) };
    }
  }

  /**
   * The store's AES-256 key, kept in SecretStorage (never in settings or in the store); created on
   * first use. Losing it makes encrypted checkpoints unreadable, so it is never replaced.
   */
  /**
   * With `savepoint.store.encryptAtRest` on: the store's key, which also seals the change capture's
   * log (its paths and content hashes). Undefined when encryption is off.
   */
  captureLogKey(): Promise<Uint8Array | undefined> {
    return readEncryptAtRest() ? this.storeKey() : Promise.resolve(undefined);
  }

  /** One key per machine, read (or made) once per window: the store and the capture's log asking at once must not make two. */
  private storeKey(): Promise<Uint8Array> {
    this.keyRead ??= this.readOrMakeKey().catch((e: unknown) => {
      this.keyRead = undefined;
      throw e;
    });
    return this.keyRead;
  }

  private keyRead: Promise<Uint8Array> | undefined;

  private readOrMakeKey(): Promise<Uint8Array> {
    const secret = { get: () => this.context.secrets.get(STORE_KEY_SECRET), store: (v: string) => this.context.secrets.store(STORE_KEY_SECRET, v) };
    // Beside the user memory, in the folder every window of the machine shares (as they share the secret).
    const lockFile = join(this.context.globalStorageUri.fsPath, 'store-key.lock');
    return readOrMakeKey(secret, lockFile, () => this.log.info('created the encryption key of the session store (kept in the secret storage)'));
  }

  /** LevelDB refused a damaged store: offer LevelDB's repair, after a full backup copy. */
  private async offerRepair(storageDir: string, folders: string[], registry: WorkspaceRegistry): Promise<void> {
    // In the message itself: VS Code shows a notification's detail in modal boxes only.
    const a = await notify.error('Savepoint: the session store is damaged and cannot be opened. Repair rebuilds what can be read; a full copy of the damaged store is kept first, so nothing is lost.', 'Repair', 'Show Logs');
    if (a === 'Show Logs') this.log.show();
    if (a !== 'Repair') return;
    try {
      const { dir } = await registry.locate(storageDir, folders);
      const backup = await repairCheckpointStore(dir);
      this.log.info(`store repaired; the damaged copy is kept in ${backup}`);
      this.opening = undefined;
      this.fireChanged();
      void notify.info(`Savepoint: the session store was repaired. The damaged copy is kept in ${backup}.`);
    } catch (e) {
      this.log.error(`repair failed: ${e instanceof Error ? e.message : String(e)}`);
      void notify.error(`Savepoint: the repair failed (${e instanceof Error ? e.message : String(e)}). Nothing was deleted.`);
    }
  }

  async dispose(): Promise<void> {
    this.changed.dispose();
    this.tookOver.dispose();
    await this.takingOver?.catch(() => undefined);
    for (const copy of [...this.retired]) await this.retire(copy);
    const state = await this.opening;
    // A rewind or undo under way finishes first, long-term memory included (bounded: the editor gives deactivation a few seconds).
    if (state?.store) await Promise.race([sessionOpsDone(state.store), new Promise((r) => setTimeout(r, 2000).unref())]);
    await (await this.memoryOpening?.opened)?.close();
    await state?.store?.close();
  }
}

/** User-facing wording lives here, not in core (style.md "Errors"). `encrypting`: savepoint.store.encryptAtRest was on. */
export function describeStoreError(e: unknown, encrypting = false): string {
  if (StoreError.is(e, 'SCHEMA_UNSUPPORTED')) return 'These sessions were written by a newer Savepoint. Update the extension to open them; nothing was changed.';
  if (StoreError.is(e, 'DISK_FULL')) return 'The disk is full: Savepoint cannot open its session store. Free some space and reload the window.';
  if (StoreError.is(e, 'KEY_UNAVAILABLE')) {
    // With the setting on, the key was there but is not the store's (or could not be read): turning it on is no help.
    if (encrypting) return `The session store does not open with the encryption key in this machine's secret storage: ${e.message}`;
    return 'The session store is encrypted and savepoint.store.encryptAtRest is off: turn it on to open the store with the key in this machine\'s secret storage. Nothing in it was changed.';
  }
  if (StoreError.is(e, 'CORRUPT')) return 'The session store is damaged. Show Logs has the details; nothing was deleted.';
  return `The session store could not be opened (${e instanceof Error ? e.message : String(e)}).`;
}

/** What retention deleted, for its notification: how many, the first titles, and the settings that chose them. */
function retentionNotice(deleted: readonly DeletionRecord[], kept: readonly KeptSession[], policy: RetentionPolicy): string {
  const shown = deleted.slice(0, 3).map((d) => JSON.stringify(shownTitle(d.title)));
  const more = deleted.length > shown.length ? ` and ${deleted.length - shown.length} more` : '';
  const by = [
    ...(policy.keepLast !== undefined ? [`savepoint.retention.keepLastSessions is ${policy.keepLast}`] : []),
    ...(policy.maxAgeMs !== undefined ? [`savepoint.retention.maxAgeDays is ${Number((policy.maxAgeMs / DAY_MS).toFixed(3))}`] : []),
  ];
  const held = kept.length === 0 ? '' : ` Kept ${kept.slice(0, 2).map((k) => `${JSON.stringify(shownTitle(k.title))} (${k.why})`).join(', ')}${kept.length > 2 ? ` and ${kept.length - 2} more` : ''}: undo the rewind or delete the session to let it go.`;
  return `deleted ${count(deleted.length, 'finished session')} that the retention settings do not keep (${by.join('; ')}): ${shown.join(', ')}${more}.${held} Unfinished and pinned sessions, those a kept fork came from, and those with a rewind not undone are never deleted.`;
}

const DAY_MS = 24 * 60 * 60 * 1000;
