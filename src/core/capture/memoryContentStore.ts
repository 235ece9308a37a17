import type { ContentEntry, ContentHash, ContentStore } from '../ports/changeCapture';

/**
 * A `ContentStore` in memory, bounded by a byte budget. When full, it drops first the contents of
 * binary files, then the contents marked `spare` (git has them: the capture can read them back from
 * the repository), and only then the others; least recently used first within each. `get` then
 * answers undefined, and the capture looks in git or reports the hash only.
 */
export class MemoryContentStore implements ContentStore {
  /** Contents nothing else holds, least recently used first. */
  private readonly kept = new Map<ContentHash, Uint8Array>();
  /** Contents git holds too, least recently used first: dropped before any of `kept`. */
  private readonly spare = new Map<ContentHash, Uint8Array>();
  /** Contents of binary files, least recently used first: dropped before anything else. */
  private readonly binary = new Map<ContentHash, Uint8Array>();
  private bytes = 0;

  constructor(readonly budgetBytes = 128 * 1024 * 1024) {}

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  async put(entries: readonly ContentEntry[]): Promise<void> {
    for (const e of entries) {
      if (e.bytes.length > this.budgetBytes) continue;
      if (e.binary) {
        const had = this.binary.get(e.hash);
        this.binary.delete(e.hash);
        this.binary.set(e.hash, had ?? e.bytes);
        if (!had) this.bytes += e.bytes.length;
        continue;
      }
      const kept = this.kept.get(e.hash);
      const spare = this.spare.get(e.hash);
      if (kept || spare) {
        // Touched: most recently used. Once kept without the flag, the contents stay among the kept.
        this.kept.delete(e.hash);
        this.spare.delete(e.hash);
        if (kept || !e.spare) this.kept.set(e.hash, (kept ?? spare) as Uint8Array);
        else this.spare.set(e.hash, spare as Uint8Array);
        continue;
      }
      (e.spare ? this.spare : this.kept).set(e.hash, e.bytes);
      this.bytes += e.bytes.length;
    }
    this.evict(this.binary);
    this.evict(this.spare);
    this.evict(this.kept);
  }

  async get(hash: ContentHash): Promise<Uint8Array | undefined> {
    for (const tier of [this.kept, this.spare, this.binary]) {
      const b = tier.get(hash);
      if (b) {
        tier.delete(hash);
        tier.set(hash, b);
        return b;
      }
    }
    return undefined;
  }

  private evict(tier: Map<ContentHash, Uint8Array>): void {
    for (const [hash, b] of tier) {
      if (this.bytes <= this.budgetBytes) return;
      tier.delete(hash);
      this.bytes -= b.length;
    }
  }
}
