/**
 * What a LevelDB MANIFEST says about the database's tables: the ones live in its last version and
 * the number the next new file will take. A read-only copy of a store in use needs it (openStore.ts):
 * only live tables, which never change again, may be shared with the owner by a hard link. A file
 * the owner is still writing has a number at or past `nextFile`, and the copy's own recovery may
 * create a file of that very number: a hard link there would let it truncate the owner's file.
 *
 * The MANIFEST is a LevelDB log (32 KB blocks of records, a record possibly split across blocks)
 * of VersionEdits (tagged fields). Checksums are not verified: the copy's open does that, and a
 * MANIFEST this cannot read simply means no table is linked.
 */
export interface ManifestTables {
  /** Live tables by file number, with their sizes in bytes. */
  live: Map<number, number>;
  nextFile: number;
}

const BLOCK = 32 * 1024;
const HEADER = 7;

export function readManifest(bytes: Uint8Array): ManifestTables | undefined {
  try {
    const live = new Map<number, number>();
    let nextFile: number | undefined;
    for (const edit of records(bytes)) {
      const r = new Reader(edit);
      while (!r.done) {
        const tag = r.varint();
        if (tag === 1) r.slice(); // comparator
        else if (tag === 2 || tag === 4 || tag === 9) r.varint(); // log number, last sequence, previous log number
        else if (tag === 3) nextFile = r.varint();
        else if (tag === 5) {
          r.varint(); // compaction pointer: level, key
          r.slice();
        } else if (tag === 6) {
          r.varint(); // deleted file: level, number
          live.delete(r.varint());
        } else if (tag === 7) {
          r.varint(); // level
          const number = r.varint();
          live.set(number, r.varint());
          r.slice(); // smallest key
          r.slice(); // largest key
        } else return undefined;
      }
    }
    return nextFile === undefined ? undefined : { live, nextFile };
  } catch {
    return undefined;
  }
}

/** The records of a LevelDB log, with fragments joined. */
function* records(bytes: Uint8Array): Generator<Uint8Array> {
  let at = 0;
  let parts: Uint8Array[] = [];
  while (at + HEADER <= bytes.length) {
    const left = BLOCK - (at % BLOCK);
    if (left < HEADER) {
      at += left; // a block's trailer
      continue;
    }
    const length = (bytes[at + 4] as number) | ((bytes[at + 5] as number) << 8);
    const type = bytes[at + 6] as number;
    const start = at + HEADER;
    if (type === 0 && length === 0) {
      at += left; // zeroed space (preallocated): the rest of the block
      continue;
    }
    // A torn tail (the owner is appending): the copy's LevelDB reads the same prefix.
    if (start + length > bytes.length || length > left - HEADER) return;
    const data = bytes.subarray(start, start + length);
    at = start + length;
    if (type === 1) yield data;
    else if (type === 2) parts = [data];
    else if (type === 3) parts.push(data);
    else if (type === 4) {
      parts.push(data);
      yield Buffer.concat(parts);
      parts = [];
    } else throw new Error(`record type ${type}`);
  }
}

class Reader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      if (this.at >= this.bytes.length || scale > 2 ** 56) throw new Error('bad varint');
      const b = this.bytes[this.at++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
    }
  }

  slice(): Uint8Array {
    const n = this.varint();
    if (this.at + n > this.bytes.length) throw new Error('bad slice');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
