import type { Comparison } from '../capture/changeSet';
import type { ContentStore } from '../ports/changeCapture';
import { admitWithin } from './captureRead';
import { GitContents } from './gitContents';

/**
 * Where the capture finds the old bytes of the files a command changed (for the step's diffs and a
 * rewind): its content store first, then the workspace's git repository.
 */
export class OldBytes {
  /** Git's blob id of the contents the baseline found in the index, by their sha-256: the cache may drop them, git keeps the object. */
  readonly gitBlobs = new Map<string, string>();
  /** Reads old contents from git when the content store dropped them (made on first need). */
  private gitReader: GitContents | undefined;

  constructor(
    private readonly root: string,
    private readonly store: ContentStore,
    private readonly maxFileBytes: number,
    private readonly budgets: { binary: number; text: number },
    private readonly useGit: boolean,
  ) {}

  git(): GitContents {
    this.gitReader ??= new GitContents(this.root);
    return this.gitReader;
  }

  /** Fills in the old bytes of the changed files that have them somewhere. */
  async fill(comparisons: readonly Comparison[]): Promise<void> {
    await Promise.all(comparisons.map((c) => this.fromStore(c)));
    await this.fromGit(comparisons);
  }

  /** A changed file within the size limit: its old bytes are kept (for rewind; a binary one is never shown as a diff). */
  private wants(c: Comparison): boolean {
    const b = c.before;
    return b !== undefined && b.link === undefined && b.size <= this.maxFileBytes && !(c.after && c.after.hash === b.hash);
  }

  /** Fills in the old bytes of a changed file from the content store. */
  private async fromStore(c: Comparison): Promise<void> {
    const b = c.before;
    if (!b || !this.wants(c)) return;
    const bytes = await this.store.get(b.hash);
    if (bytes) c.before = { ...b, bytes };
  }

  /**
   * The old bytes the content store dropped (a workspace larger than its budget), from git when
   * the file was unchanged against the index or HEAD, or was a blob the baseline saw in the index
   * (a checkout or stash since): then a rewind can still restore it.
   */
  private async fromGit(comparisons: readonly Comparison[]): Promise<void> {
    if (!this.useGit) return;
    const admit = admitWithin(this.budgets);
    const missing = comparisons.filter((c) => this.wants(c) && !c.before?.bytes && c.before !== undefined && admit(c.before.size, c.before.binary));
    if (missing.length === 0) return;
    const found = await this.git().recall(
      missing.map((c) => {
        const { hash, size } = c.before as NonNullable<Comparison['before']>;
        const id = this.gitBlobs.get(hash);
        return { path: c.path, hash, size, ...(id ? { id } : {}) };
      }),
    );
    for (const c of missing) {
      const bytes = found.get(c.path);
      if (bytes && c.before) c.before = { ...c.before, bytes };
    }
  }
}
