import type { CaptureFilterOptions } from './captureFilter';
import type { WatchFunction } from './captureWatcher';
import type { ContentStore } from '../ports/changeCapture';

export interface NodeChangeCaptureOptions extends CaptureFilterOptions {
  /** Where contents are kept by hash. Default: a `MemoryContentStore` of 128 MB. */
  contentStore?: ContentStore;
  /** Files up to this size (text or binary) carry their bytes; larger ones only hash and size. Default 5 MB. */
  maxFileBytes?: number;
  /** Put the baseline's files (within `maxFileBytes`) in the content store. Default true. */
  keepBaselineContents?: boolean;
  /**
   * Bytes of binary files one capture holds, for each side (new bytes read, old bytes read back
   * from git), so that a command rewriting hundreds of MB of assets is not held in memory at once.
   * Past it, a binary file is recorded by hash and size only. Default 32 MB.
   */
  binaryBytesPerCapture?: number;
  /**
   * Bytes of text files within the size limit one capture holds, for each side, likewise: a command
   * that writes hundreds of MB of sources (a generator, a formatter over a huge tree) must not exhaust
   * the editor's memory. Past it, a text file's new contents are recorded by hash and size only, and
   * marked so (a rewind to after that step cannot restore them). Default 256 MB.
   */
  textBytesPerCapture?: number;
  /** `fs.watch`, or false to run without a watcher (every capture then sweeps). */
  watch?: WatchFunction | false;
  /**
   * More watcher events than this between two settles count as an overflow, and the capture sweeps.
   * The kernel drops events silently when its queue fills (libuv does not report inotify's
   * overflow), so the default is half the kernel's queue (`max_queued_events`), else 8,192.
   */
  maxEvents?: number;
  /** Files read at once. Default 32. */
  concurrency?: number;
  /**
   * Old contents the content store no longer has are looked for in the workspace's git repository
   * (index, then HEAD; used only when their hash matches), read-only. Default true; false: never.
   */
  gitContents?: boolean;
  /**
   * A folder for the capture's log (the index on disk, see CaptureLog): a command cut off by a crash
   * can then be recorded by the next process (`recover`). Absent: no log, nothing to recover.
   */
  logDir?: string;
  /**
   * With encryption at rest: the store's key (32 bytes), which seals each line of the log (it holds
   * the workspace's paths and content hashes). Absent or resolving undefined: plain lines.
   */
  logKey?: () => Promise<Uint8Array | undefined>;
}
