import path from 'node:path';
import { buildChanges, type Comparison } from '../capture/changeSet';
import { MemoryContentStore } from '../capture/memoryContentStore';
import {
  CaptureError,
  type CaptureMark,
  type CaptureMethod,
  type ChangeCapture,
  type ContentEntry,
  type ContentStore,
  type FileChangeSet,
  type HeldWrite,
} from '../ports/changeCapture';
import { CaptureFilter } from './captureFilter';
import type { NodeChangeCaptureOptions } from './captureOptions';
import { CaptureIndex } from './captureIndex';
import { dirtyCandidates, sweepCandidates } from './captureCandidates';
import { type AdmitBytes, admitWithin, lstatOrNone, realWay } from './captureRead';
import { bornSince, rescope, ruleDirs } from './captureRescope';
import { scanTree } from './captureScan';
import { eachLimited } from '../util/eachLimited';
import { blobId } from './gitContents';
import { OldBytes } from './captureOldBytes';
import { DirWatchers, defaultMaxEvents, nextTurn, nodeWatch } from './captureWatcher';
import { type CaptureLog, openCaptureLog } from './captureLog';
import { interruptedComparisons } from './captureRecovery';

export type { NodeChangeCaptureOptions } from './captureOptions';

export interface BaselineInfo {
  files: number;
  ms: number;
  /** Bytes handed to the content store. */
  keptBytes: number;
  /** Of those, bytes the workspace's git index holds too (the cache drops them first). */
  spareBytes: number;
  watchedDirs: number;
}

const KEEP_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * `ChangeCapture` on the local file system: a baseline index built once in the background, one
 * `fs.watch` per tracked directory recording dirty paths, and a stat-only sweep when the watcher is
 * unavailable or overflowed. See the port for the contract.
 */
export class NodeChangeCapture implements ChangeCapture {
  readonly root: string;
  private readonly filter: CaptureFilter;
  private readonly index: CaptureIndex;
  private readonly store: ContentStore;
  private readonly watchers: DirWatchers | undefined;
  private readonly maxFileBytes: number;
  private readonly maxEvents: number;
  private readonly concurrency: number;
  private readonly budgets: { binary: number; text: number };
  private dirty = new Set<string>();
  private newDirs = new Set<string>();
  private readonly attaching = new Set<Promise<void>>();
  private events = 0;
  private overflowed = false;
  private watching: boolean;
  private baseline: Promise<BaselineInfo> | undefined;
  private open: CaptureMark | undefined;
  private openLabel: string | undefined; // the open capture's label (a command's, for the log)
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private disposed = false;
  /** Where the old bytes of changed files are found: the content store, then git. */
  private readonly old: OldBytes;
  /** The index on disk (`logDir`), for a command a crash cuts off; undefined once it failed (nothing to recover then). */
  private log: Promise<CaptureLog | undefined> | undefined;
  /** A settle failed after updating part of the index: what it found never reached the log, which is rewritten at the next command. */
  private logBehind = false;
  /** Entries whose names are not UTF-8 seen so far: a sweep tells only the ones it finds first (it sees every entry, changed or not). */
  private readonly unnamedSeen = new Set<string>();

  constructor(
    root: string,
    private readonly options: NodeChangeCaptureOptions = {},
  ) {
    this.root = path.resolve(root);
    this.filter = new CaptureFilter(this.root, options);
    this.maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
    this.maxEvents = options.maxEvents ?? defaultMaxEvents();
    this.concurrency = options.concurrency ?? 32;
    this.budgets = { binary: options.binaryBytesPerCapture ?? 32 * 1024 * 1024, text: options.textBytesPerCapture ?? 256 * 1024 * 1024 };
    this.index = new CaptureIndex(this.root, this.maxFileBytes, this.concurrency);
    this.store = options.contentStore ?? new MemoryContentStore();
    this.old = new OldBytes(this.root, this.store, this.maxFileBytes, this.budgets, options.gitContents !== false);
    const sink = { onEvent: this.onEvent.bind(this), onFailure: () => (this.watching = false) };
    this.watchers = options.watch === false ? undefined : new DirWatchers(this.root, sink, options.watch ?? nodeWatch);
    this.watching = this.watchers !== undefined;
    if (options.logDir !== undefined) this.log = openCaptureLog(options.logDir, options.logKey);
  }

  /** Whether changes are found by the watcher (true) or by sweeping (false). */
  get isWatching(): boolean {
    return this.watching;
  }

  /**
   * Starts the baseline in the background (watching first, so nothing done meanwhile is missed).
   * Idempotent: later calls return the same promise. `begin()` calls it if nobody did.
   */
  start(): Promise<BaselineInfo> {
    if (this.disposed) return Promise.reject(new CaptureError('DISPOSED', 'the capture was disposed'));
    this.baseline ??= this.buildBaseline();
    return this.baseline;
  }

  begin(label?: string): Promise<CaptureMark> {
    return this.serial(async () => {
      if (this.disposed) throw new CaptureError('DISPOSED', 'the capture was disposed');
      if (this.open) throw new CaptureError('ALREADY_OPEN', `capture ${this.open.id} is still open`);
      await this.start();
      const { comparisons, unnamed } = await this.settle();
      for (const u of unnamed) this.unnamedSeen.add(u);
      await this.keep(comparisons);
      const mark = { id: this.nextId++, startedAt: Date.now() };
      // Durable before the command runs: the index it starts from, for the next process if this one dies.
      if (label !== undefined) {
        await this.logged(async (log) => {
          if (log.wantsSnapshot || this.logBehind) await log.snapshot(this.index.all());
          this.logBehind = false;
          await log.opened(label, mark.startedAt);
        });
      }
      this.open = mark;
      this.openLabel = label;
      return mark;
    });
  }

  end(mark: CaptureMark): Promise<FileChangeSet> {
    return this.serial(async () => {
      if (this.disposed) throw new CaptureError('DISPOSED', 'the capture was disposed');
      if (!this.open || this.open.id !== mark.id) throw new CaptureError('NOT_OPEN', `capture ${mark.id} is not open`);
      try {
        const { comparisons, method, examined, hashed, unnamed } = await this.settle();
        await this.logged((log) => log.closed());
        await this.old.fill(comparisons);
        await this.keep(comparisons);
        // A watcher reports only what changed; a sweep finds every entry, so only the ones not seen before count.
        const told = unnamed.filter((u) => method === 'watch' || !this.unnamedSeen.has(u));
        for (const u of unnamed) this.unnamedSeen.add(u);
        return { changes: buildChanges(comparisons, this.maxFileBytes), method, examined, hashed, ...(told.length ? { unnamed: told } : {}) };
      } finally {
        this.open = undefined;
      }
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watchers?.close();
    await this.baseline?.catch(() => undefined);
    this.watchers?.close();
    await this.logged((log) => log.close());
  }

  /**
   * What the command `label` changed when a crash cut it off (the process that ran it died before
   * its changes were recorded): the index as it began, from the log, against the disk now. Changes
   * made after the crash, before this call, are among them: nothing tells them apart. Undefined when
   * no log holds that command (no `logDir`, or the log was lost).
   */
  async recover(label: string): Promise<FileChangeSet | undefined> {
    const found = await (await this.log)?.find(label);
    if (!found) return undefined;
    await this.start();
    const { comparisons, examined, hashed } = await interruptedComparisons(found.index, found.held, this.index, this.root, this.concurrency, admitWithin(this.budgets));
    await this.old.fill(comparisons);
    return { changes: buildChanges(comparisons, this.maxFileBytes), method: 'sweep', examined, hashed };
  }

  noteHeld(writes: readonly HeldWrite[]): void {
    const label = this.open ? this.openLabel : undefined;
    if (label !== undefined) void this.logged((log) => log.held(label, writes));
  }

  /** The command `label` is recorded: the logs of dead processes kept for it can go. */
  async forget(label: string): Promise<void> {
    await (await this.log)?.forget(label);
  }

  /** Runs `f` on the log; a log that fails is dropped (the capture goes on; a crash then cannot be recovered). */
  private async logged(f: (log: CaptureLog) => unknown): Promise<void> {
    const log = await this.log;
    if (!log) return;
    try {
      await f(log);
    } catch {
      this.log = Promise.resolve(undefined);
      await log.close().catch(() => undefined);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async buildBaseline(): Promise<BaselineInfo> {
    const t0 = performance.now();
    const keep = this.options.keepBaselineContents ?? true;
    // What git holds of the workspace, asked while the tree is scanned: those contents the cache drops first.
    const inGit = keep && this.options.gitContents !== false ? this.old.git().indexIds() : undefined;
    const files = await scanTree(this.root, '', this.filter, { stat: false, onDir: (rel) => this.watchers?.add(rel), onUnnamed: (rel) => this.unnamedSeen.add(rel) });
    const gitIds = (await inGit) ?? new Map<string, string>();
    const { keptBytes, spareBytes } = await this.absorb(files.keys(), gitIds);
    await this.logged((log) => log.snapshot(this.index.all()));
    return { files: this.index.size, ms: performance.now() - t0, keptBytes, spareBytes, watchedDirs: this.watchers?.count ?? 0 };
  }

  /**
   * Reads `paths` into the index as baseline (nothing reports them) and, unless told not to, their
   * contents into the content store. `gitIds`: git's blob ids of what its index holds, by path.
   */
  private async absorb(paths: Iterable<string>, gitIds: ReadonlyMap<string, string>): Promise<{ keptBytes: number; spareBytes: number }> {
    const keep = this.options.keepBaselineContents ?? true;
    let batch: ContentEntry[] = [];
    let batchBytes = 0;
    let keptBytes = 0;
    let spareBytes = 0;
    const flush = async () => {
      const entries = batch;
      batch = [];
      batchBytes = 0;
      if (entries.length > 0) await this.store.put(entries);
    };
    await eachLimited(paths, this.concurrency, async (rel) => {
      if (this.disposed) return;
      const e = await this.index.read(rel);
      if (!e) return;
      this.index.set(rel, e);
      if (keep && e.bytes) {
        const id = gitIds.get(rel);
        const spare = id !== undefined && blobId(e.bytes, id) === id;
        if (spare) {
          spareBytes += e.bytes.length;
          this.old.gitBlobs.set(e.hash, id);
        }
        batch.push({ hash: e.hash, bytes: e.bytes, ...(spare ? { spare } : {}), ...(e.binary ? { binary: true } : {}) });
        batchBytes += e.bytes.length;
        keptBytes += e.bytes.length;
        if (batchBytes >= KEEP_BATCH_BYTES) await flush();
      }
    });
    await flush();
    return { keptBytes, spareBytes };
  }

  private onEvent(dirRel: string, event: string, name: string | null): void {
    if (name === null) {
      this.newDirs.add(dirRel);
      return;
    }
    if (this.overflowed) return;
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    this.dirty.add(rel);
    if (++this.events > this.maxEvents) {
      this.overflowed = true;
      this.dirty = new Set();
      return;
    }
    if (event === 'rename' && name !== '.git') this.track(this.attach(rel));
  }

  private track(p: Promise<void>): void {
    // A failed attach only loses the early watch: the directory is still examined when dirty.
    const safe = p.catch(() => undefined);
    this.attaching.add(safe);
    void safe.finally(() => this.attaching.delete(safe));
  }

  /**
   * A 'rename' of a directory entry means a new directory there (made, moved in, or replaced): watch
   * it now, so later writes in it are seen, and scan it whole at the next settle.
   */
  private async attach(rel: string): Promise<void> {
    const st = await lstatOrNone(path.join(this.root, rel)).catch(() => undefined);
    if (!st?.isDirectory() || !this.watchers) return;
    // Never through a folder replaced by a link: what is behind it is not the workspace's.
    if (!(await realWay(this.root)(rel))) return;
    if (await this.filter.excludesPath(rel, true)) return;
    this.watchers.add(rel);
    this.newDirs.add(rel);
  }

  /** Lets the watcher deliver what the kernel has queued, until a turn brings nothing new. */
  private async drainEvents(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const before = this.dirty.size + this.newDirs.size + this.attaching.size;
      await nextTurn();
      await nextTurn();
      await Promise.all([...this.attaching]);
      if (this.dirty.size + this.newDirs.size + this.attaching.size === before) return;
    }
  }

  /** Brings the index up to date with the disk and says what changed since the last settle. */
  private async settle(): Promise<{ comparisons: Comparison[]; method: CaptureMethod; examined: number; hashed: number; unnamed: string[] }> {
    if (this.watching) await this.drainEvents();
    const method: CaptureMethod = this.watching && !this.overflowed ? 'watch' : 'sweep';
    const dirty = this.dirty;
    const newDirs = this.newDirs;
    this.dirty = new Set();
    this.newDirs = new Set();
    this.overflowed = false;
    this.events = 0;
    let found;
    const unnamed = new Set<string>();
    try {
      // The repository's info/exclude, a .gitignore above the root or what git tracks changed (nothing watches those). The
      // changes are found by the rules as they were (a file a command edits and excludes keeps its edit); then the whole
      // workspace goes by the new ones, and the files they track that were born in the open capture are its creations (git add -f dist).
      const rootMoved = await this.filter.rootRulesMoved();
      const ctx = { root: this.root, filter: this.filter, index: this.index, concurrency: this.concurrency, watchers: this.watching ? this.watchers : undefined, onUnnamed: (rel: string) => unnamed.add(rel) };
      const candidates = method === 'watch' ? await dirtyCandidates(ctx, dirty, newDirs) : await sweepCandidates(ctx);
      // One pair of budgets for the new bytes this settle reads.
      const admit = admitWithin(this.budgets);
      found = { candidates, ...(await this.index.compare(candidates, admit, (hash) => this.store.get(hash))) };
      if (rootMoved) found.comparisons.push(...(await this.rescopeDir('', this.open?.startedAt, admit)));
      found.comparisons.push(...(await this.rescope(found.comparisons, admit)));
    } catch (e) {
      // The dirty paths are lost with this attempt: the next settle sweeps instead. The index may
      // have taken some of them already, unlogged: the log is rewritten from it before the next command.
      this.overflowed = true;
      this.logBehind = true;
      throw e;
    }
    const { candidates, comparisons, hashed } = found;
    void this.logged((log) => log.note(comparisons));
    return { comparisons, method, examined: candidates.size, hashed, unnamed: [...unnamed].sort() };
  }

  /**
   * After a `.gitignore` changed, what its directory holds is tracked by the new rules from now on
   * (this settle's candidates were chosen by the old ones). Only then is the directory scanned: the
   * files the rules no longer exclude are baseline when they were there before, but created
   * (returned) when born during the open capture (a checkout of a branch that commits `dist/` creates
   * it and un-ignores it at once).
   */
  private async rescope(comparisons: readonly Comparison[], admit: AdmitBytes): Promise<Comparison[]> {
    const born: Comparison[] = [];
    for (const dir of ruleDirs(comparisons.map((c) => c.path))) born.push(...(await this.rescopeDir(dir, this.open?.startedAt, admit)));
    return born;
  }

  private async rescopeDir(dir: string, since?: number, admit?: AdmitBytes): Promise<Comparison[]> {
    this.filter.invalidate(dir);
    const tracked = dir === '' ? [...this.index.paths()] : this.index.under(dir);
    const added = await rescope(this.root, dir, this.filter, this.index, this.watching ? this.watchers : undefined);
    const born = since === undefined ? new Set<string>() : await bornSince(this.root, added, since);
    await this.absorb(added.filter((rel) => !born.has(rel)), new Map());
    // The files the new rules exclude left the index: they leave the log too.
    const excluded = tracked.filter((rel) => !this.index.get(rel));
    void this.logged((log) => log.note([...excluded, ...added].map((rel) => ({ path: rel, after: this.index.get(rel) }))));
    const created = await Promise.all([...born].map(async (rel) => ({ path: rel, before: undefined, after: await this.index.read(rel, admit) })));
    for (const c of created) if (c.after) this.index.set(c.path, c.after);
    return created.filter((c) => c.after !== undefined);
  }

  /** Keeps the new contents, so that the next capture can give them as old bytes. */
  private async keep(comparisons: readonly Comparison[]): Promise<void> {
    const entries: ContentEntry[] = [];
    for (const c of comparisons) if (c.after?.bytes) entries.push({ hash: c.after.hash, bytes: c.after.bytes, ...(c.after.binary ? { binary: true } : {}) });
    if (entries.length > 0) await this.store.put(entries);
  }
}
