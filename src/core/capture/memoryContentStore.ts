import type { ContentEntry, ContentHash, ContentStore } from '../ports/changeCapture';

/**
 * A `ContentStore` in memory, bounded by a byte budget: when full, the least recently used
 * contents are dropped (`get` then answers undefined, and the capture reports the hash only).
 */
export class MemoryContentStore implements ContentStore {
  private readonly entries = new Map<ContentHash, Uint8Array>();
  private bytes = 0;

  constructor(readonly budgetBytes = 128 * 1024 * 1024) {}

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  async put(entries: readonly ContentEntry[]): Promise<void> {
    for (const e of entries) {
      if (e.bytes.length > this.budgetBytes) continue;
      const old = this.entries.get(e.hash);
      if (old) {
        this.entries.delete(e.hash);
        this.entries.set(e.hash, old);
        continue;
      }
      this.entries.set(e.hash, e.bytes);
      this.bytes += e.bytes.length;
    }
    for (const [hash, b] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(hash);
      this.bytes -= b.length;
    }
  }

  async get(hash: ContentHash): Promise<Uint8Array | undefined> {
    const b = this.entries.get(hash);
    if (b) {
      this.entries.delete(hash);
      this.entries.set(hash, b);
    }
    return b;
  }
}
