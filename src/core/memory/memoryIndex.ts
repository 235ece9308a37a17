import MiniSearch, { type SearchResult } from 'minisearch';
import type { MemoryEntry, MemoryId, MemoryKind, MemoryScope } from './memoryTypes';

export interface RecallOptions {
  /** At most this many hits. Default 10. */
  limit?: number;
  kinds?: readonly MemoryKind[];
  scopes?: readonly MemoryScope[];
  /** Only entries carrying every one of these tags. */
  tags?: readonly string[];
}

export interface RecallHit {
  entry: MemoryEntry;
  /** Relevance (BM25+ with prefix and fuzzy matches, boosted); comparable within one search only. */
  score: number;
  /** Query terms that matched, as found in the entry. */
  terms: string[];
}

interface Doc {
  id: MemoryId;
  text: string;
  tags: string;
  kind: MemoryKind;
}

/**
 * Longer words are matched exactly only: typo matching costs memory in the square of a word's
 * length (a 200 KB blob in a task threw a RangeError and the session could not start), and no
 * memory holds a word that long to be near.
 */
const MAX_LOOSE_TERM = 64;

/** Tags weigh more than text: a query naming a tag is about that entry. */
const FIELD_BOOST = { tags: 2.5, kind: 1.5, text: 1 };

/**
 * The full-text index over current memories of both scopes (MiniSearch: BM25+, prefix and fuzzy
 * matching). In memory only: rebuilt from the stores at open, then kept in step with every write.
 */
export class MemoryIndex {
  private readonly search = new MiniSearch<Doc>({
    fields: ['text', 'tags', 'kind'],
    storeFields: [],
  });
  private readonly entries = new Map<MemoryId, MemoryEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(id: MemoryId): MemoryEntry | undefined {
    return this.entries.get(id);
  }

  /** Every indexed entry (unordered). */
  all(): IterableIterator<MemoryEntry> {
    return this.entries.values();
  }

  addAll(entries: readonly MemoryEntry[]): void {
    const fresh = entries.filter((e) => !this.entries.has(e.id));
    for (const e of entries) if (this.entries.has(e.id)) this.set(e);
    for (const e of fresh) this.entries.set(e.id, e);
    this.search.addAll(fresh.map(docOf));
  }

  /** Adds, replaces or (with null) removes the entry `id`. */
  apply(id: MemoryId, entry: MemoryEntry | null): void {
    if (entry) this.set(entry);
    else if (this.entries.delete(id)) this.search.discard(id);
  }

  query(text: string, o: RecallOptions = {}): RecallHit[] {
    const limit = Math.max(1, o.limit ?? 10);
    const filter = (r: SearchResult) => {
      const e = this.entries.get(r.id as MemoryId);
      return e !== undefined && matches(e, o);
    };
    const results = text.trim() === ''
      ? [...this.entries.values()].filter((e) => matches(e, o)).sort((a, b) => b.updatedAt - a.updatedAt).map((e) => ({ id: e.id, score: 0, terms: [] as string[] }))
      : this.search.search(text, {
          boost: FIELD_BOOST,
          prefix: (term) => term.length >= 3 && term.length <= MAX_LOOSE_TERM,
          fuzzy: (term) => (term.length >= 4 && term.length <= MAX_LOOSE_TERM ? 0.25 : false),
          combineWith: 'OR',
          filter,
          boostDocument: (id) => (this.entries.get(id as MemoryId)?.pinned ? 1.25 : 1),
        });
    const out: RecallHit[] = [];
    for (const r of results) {
      const entry = this.entries.get(r.id as MemoryId);
      if (!entry) continue;
      out.push({ entry, score: r.score, terms: r.terms });
      if (out.length >= limit) break;
    }
    return out;
  }

  private set(entry: MemoryEntry): void {
    const had = this.entries.has(entry.id);
    this.entries.set(entry.id, entry);
    if (had) this.search.replace(docOf(entry));
    else this.search.add(docOf(entry));
  }
}

const docOf = (e: MemoryEntry): Doc => ({ id: e.id, text: e.text, tags: e.tags.join(' '), kind: e.kind });

function matches(e: MemoryEntry, o: RecallOptions): boolean {
  if (o.kinds && !o.kinds.includes(e.kind)) return false;
  if (o.scopes && !o.scopes.includes(e.scope)) return false;
  if (o.tags && !o.tags.every((t) => e.tags.includes(t.toLowerCase()))) return false;
  return true;
}
