import { randomBytes } from 'node:crypto';
import { type FileHandle, appendFile, mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Side } from '../capture/changeSet';
import { errCode } from '../util/errCode';
import { type LineSeal, PLAIN_LINES, sealedLines } from './captureLogSeal';

/**
 * What the log keeps of a tracked file: its version, never its bytes (`Side` without them).
 * The capture's index lives in memory; this is what survives the process.
 */
export type LoggedSide = Omit<Side, 'bytes'>;

/** The index as a command began (by its label), read back after the process that ran it died. */
export interface LoggedOpen {
  label: string;
  /** Date.now() when the capture began. */
  at: number;
  index: Map<string, LoggedSide>;
  /** Writes another session held while the command ran (path -> the hash it wrote; null: deleted): journaled by that session, not the command's. */
  held: Map<string, string | null>;
}

type Line =
  | { t: 'reset' }
  | { t: 'set'; e: [string, LoggedSide][] }
  | { t: 'del'; p: string[] }
  | { t: 'open'; label: string; at: number }
  | { t: 'close'; label: string }
  | { t: 'held'; label: string; w: [string, string | null][] };

const SUFFIX = '.capture.log';
/** Snapshot lines hold this many entries each. */
const CHUNK = 2000;
/** Logs of dead processes with no command left open, or older than this, are removed at start. */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/**
 * The change capture's index on disk, so that a command cut off by a crash (the editor killed
 * while it ran) can still be recorded: the index as the command began is read back by the next
 * process and compared with the disk then (`NodeChangeCapture.recover`).
 *
 * One append-only file per process in `dir` (the store's folder): a snapshot of the index once the
 * baseline is built, the changes each settle found, and an `open` line, synced, before each
 * command runs (its one fdatasync also makes everything before it durable). A torn last line (a
 * crash in a write) is ignored. The file is rewritten from the index when it has grown past a few
 * times its snapshot. A process's file is removed when it ends with nothing to recover, and at a
 * later start when its process is gone and no command of it was left open.
 */
export class CaptureLog {
  private fh: FileHandle | undefined;
  private bytes = 0;
  private snapshotBytes = 0;
  private pending: Line[] = [];
  /** Commands opened here whose changes are not recorded yet (`forget`): their `open` lines must stay. */
  private readonly unrecorded = new Set<string>();
  /** Labels `find` found: `forget` looks for them in the logs of dead processes. */
  private readonly found = new Set<string>();
  private readonly file: string;

  private constructor(
    readonly dir: string,
    name: string,
    private readonly lines: LineSeal,
  ) {
    this.file = path.join(dir, name);
  }

  /**
   * A log for this process in `dir` (made if missing), its lines sealed by `lines` (with the store's
   * key under encryption at rest); removes in the background the logs nobody needs any more.
   */
  static async create(dir: string, lines: LineSeal = PLAIN_LINES): Promise<CaptureLog> {
    await mkdir(dir, { recursive: true });
    const log = new CaptureLog(dir, `${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}${SUFFIX}`, lines);
    void log.sweep().catch(() => undefined);
    return log;
  }

  /**
   * Starts the file afresh with the whole index (after the baseline, and when it has grown). While a
   * command opened here is not recorded, its `open` line is kept: the index is appended instead.
   */
  async snapshot(entries: Iterable<[string, LoggedSide]>): Promise<void> {
    const lines: string[] = [this.lines.seal(JSON.stringify({ t: 'reset' }))];
    let chunk: [string, LoggedSide][] = [];
    for (const [p, e] of entries) {
      chunk.push([p, strip(e)]);
      if (chunk.length === CHUNK) {
        lines.push(this.lines.seal(JSON.stringify({ t: 'set', e: chunk })));
        chunk = [];
      }
    }
    if (chunk.length > 0) lines.push(this.lines.seal(JSON.stringify({ t: 'set', e: chunk })));
    const text = `${lines.join('\n')}\n`;
    if (this.fh && this.unrecorded.size > 0) {
      await this.fh.write(text);
      this.bytes += Buffer.byteLength(text);
      this.pending = [];
      return;
    }
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    await this.fh?.close();
    this.fh = await open(this.file, 'a');
    this.bytes = this.snapshotBytes = Buffer.byteLength(text);
    this.pending = [];
  }

  /** Whether the file has grown enough to be rewritten from the index. */
  get wantsSnapshot(): boolean {
    return this.fh !== undefined && this.unrecorded.size === 0 && this.bytes > Math.max(4 * 1024 * 1024, 3 * this.snapshotBytes);
  }

  /** Changes a settle found (written with the next `opened`, or when the log is closed). */
  note(changes: readonly { path: string; after: LoggedSide | undefined }[]): void {
    if (!this.fh || changes.length === 0) return;
    const set = changes.flatMap((c) => (c.after ? [[c.path, strip(c.after)] as [string, LoggedSide]] : []));
    const del = changes.flatMap((c) => (c.after ? [] : [c.path]));
    if (set.length > 0) this.pending.push({ t: 'set', e: set });
    if (del.length > 0) this.pending.push({ t: 'del', p: del });
  }

  /** A command labelled `label` begins now: durable before it runs. False when the log has no snapshot yet. */
  async opened(label: string, at: number): Promise<boolean> {
    if (!this.fh) return false;
    await this.write([...this.pending, { t: 'open', label, at }]);
    this.pending = [];
    await this.fh.datasync();
    this.unrecorded.add(label);
    return true;
  }

  /**
   * Another session is about to write these files while the command `label` runs (a file tool, a
   * rewind): recovered, they are not the command's when the file still holds what was written. Not
   * synced: written before the write it announces, so a crash keeps it (a power loss may not).
   */
  async held(label: string, writes: readonly { path: string; hash: string | null }[]): Promise<void> {
    if (this.fh && writes.length > 0) await this.write([{ t: 'held', label, w: writes.map((w) => [w.path, w.hash]) }]);
  }

  /**
   * The capture ended and its changes were settled (not synced). Its `open` line stays until its
   * changes are recorded (`forget`): a crash before the step's record is recovered all the same.
   */
  async closed(): Promise<void> {
    if (!this.fh) return;
    await this.write(this.pending);
    this.pending = [];
  }

  /** The index as the command `label` began, from any process's log in the folder (the latest such command). */
  async find(label: string): Promise<LoggedOpen | undefined> {
    let best: LoggedOpen | undefined;
    for (const name of await logNames(this.dir)) {
      const found = replay(await readText(path.join(this.dir, name)), label, this.lines).open;
      if (found && (!best || found.at > best.at)) best = found;
    }
    if (best) this.found.add(label);
    return best;
  }

  /**
   * The command `label` is recorded now: this log closes it, and the logs of dead processes that
   * `find` found it in are not needed for it any more (removed when nothing else is left open in
   * them, else closed there too).
   */
  async forget(label: string): Promise<void> {
    if (this.unrecorded.delete(label) && this.fh) await this.write([{ t: 'close', label }]);
    if (!this.found.delete(label)) return;
    for (const name of await logNames(this.dir)) {
      const file = path.join(this.dir, name);
      if (file === this.file || alive(name)) continue;
      const { unclosed } = replay(await readText(file), label, this.lines);
      if (!unclosed.has(label)) continue;
      if (unclosed.size === 1) await unlink(file).catch(() => undefined);
      else await appendFile(file, `${this.lines.seal(JSON.stringify({ t: 'close', label }))}\n`).catch(() => undefined);
    }
  }

  /** Closes the file; removed when no command is left open in it (a clean stop). */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (!fh) return;
    await fh.close().catch(() => undefined);
    if (this.unrecorded.size === 0) await unlink(this.file).catch(() => undefined);
  }

  private async write(lines: Line[]): Promise<void> {
    if (lines.length === 0) return;
    const text = `${lines.map((l) => this.lines.seal(JSON.stringify(l))).join('\n')}\n`;
    await this.fh?.write(text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Removes the logs of processes that are gone and left no command open (or are very old). */
  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const name of await logNames(this.dir)) {
      const file = path.join(this.dir, name);
      if (file === this.file || alive(name)) continue;
      const st = await stat(file).catch(() => undefined);
      if (!st) continue;
      const read = replay(await readText(file), undefined, this.lines);
      // A log sealed with a key this process lacks (encryption turned off since) is not known to be done with: it waits out its age.
      if (now - st.mtimeMs > MAX_AGE_MS || (!read.sealed && read.unclosed.size === 0)) await unlink(file).catch(() => undefined);
    }
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const file = path.join(this.dir, name);
      if (name.endsWith(`${SUFFIX}.tmp`) && file !== `${this.file}.tmp` && !alive(name)) await unlink(file).catch(() => undefined);
    }
  }
}

/**
 * The log of this process in `dir`, its lines sealed with the key `key` resolves to, if any. Undefined
 * when it cannot be made, the key included (never a plain log in its place): nothing is recoverable
 * then, as without a log.
 */
export async function openCaptureLog(dir: string, key?: () => Promise<Uint8Array | undefined>): Promise<CaptureLog | undefined> {
  try {
    const k = await key?.();
    return await CaptureLog.create(dir, k ? sealedLines(k) : PLAIN_LINES);
  } catch {
    return undefined;
  }
}

/**
 * Reads a log: the index as `label` opened (the last time), and the labels left open at its end. It
 * stops at the first line it cannot read: a torn last line, or one sealed with a key it lacks (an
 * index read without those lines would be wrong).
 */
export function replay(text: string, label?: string, lines: LineSeal = PLAIN_LINES): { open?: LoggedOpen; unclosed: Set<string>; sealed?: true } {
  const index = new Map<string, LoggedSide>();
  const unclosed = new Set<string>();
  let open: LoggedOpen | undefined;
  const all = text.split('\n');
  let last = all.length - 1;
  while (last >= 0 && all[last] === '') last--;
  for (const [i, raw] of all.entries()) {
    if (raw === '') continue;
    const json = lines.open(raw);
    // The last line torn by a crash; any other that does not open was sealed with a key not at hand.
    if (json === undefined && i === last) break;
    if (json === undefined) return { unclosed: new Set(), sealed: true };
    let line: Line;
    try {
      line = JSON.parse(json) as Line;
    } catch {
      break; // a torn last line: what follows was never made durable
    }
    if (line.t === 'reset') index.clear();
    else if (line.t === 'set') for (const [p, e] of line.e) index.set(p, e);
    else if (line.t === 'del') for (const p of line.p) index.delete(p);
    else if (line.t === 'open') {
      unclosed.add(line.label);
      if (line.label === label) open = { label, at: line.at, index: new Map(index), held: new Map() };
    } else if (line.t === 'close') unclosed.delete(line.label);
    else if (line.t === 'held' && open && line.label === open.label) for (const [p, h] of line.w) open.held.set(p, h);
  }
  return { ...(open ? { open } : {}), unclosed };
}

const strip = (e: LoggedSide & { mtimeMs?: number; ctimeMs?: number; ino?: number; readAt?: number; links?: number; bytes?: Uint8Array }): LoggedSide => {
  const { mtimeMs: _m, ctimeMs: _c, ino: _i, readAt: _r, links: _l, bytes: _b, ...side } = e;
  return side;
};

async function logNames(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(SUFFIX));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return '';
    throw e;
  }
}

/** Whether the process that wrote the log `name` (its pid leads the name) still runs. */
function alive(name: string): boolean {
  const pid = Number(name.slice(0, name.indexOf('-')));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // This process writes only its own log (the callers skip it): another with its pid is an earlier one, gone.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}
