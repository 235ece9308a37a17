import type { Db } from './storeContext';
import type { EventDigest } from './types';
import type { WriteAheadLog } from './writeAheadLog';

export interface LevelStoreOptions {
  db: Db;
  readOnly?: boolean;
  /** fsync each commit (survives power loss). Default true. */
  syncWrites?: boolean;
  /** Write a state snapshot when this many events have been appended since the last one. Default 64. */
  snapshotEvery?: number;
  /**
   * Deflate records at least this large before they are stored. 0 disables. Default: 64 KB for a
   * plain store, whose tables LevelDB compresses itself (snappy, in its own thread, when the
   * memtable is written out): deflating every record of a step cost 0.1-0.2 ms of each and bought
   * 12% of disk (W1: 1.17 -> 1.04 MB), while a large file's version is still deflated so that it
   * does not reach LevelDB's log and memtable (and the session's size) three times its deflated
   * size. 2048 for an encrypted store, whose ciphertext does not compress (below that size zlib's
   * setup costs more than the bytes saved).
   */
  compressMin?: number;
  /** Encrypt new records (AES-256-GCM) with this 32-byte key. */
  encryptionKey?: Uint8Array;
  /** Digests kept beside the events (`readDigests`). Default: the file-touch digest of checkpoints; false: none. */
  digest?: EventDigest | false;
  now?: () => number;
  /** The write-ahead log of a writable store on disk (see writeAheadLog.ts); the store closes it. */
  log?: WriteAheadLog;
}
