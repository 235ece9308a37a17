import { crc32 } from 'node:zlib';
import type { BatchOp } from './storeContext';

/**
 * The write-ahead log's record format (see writeAheadLog.ts): a segment starts with MAGIC; each
 * record is [length u32][crc32 u32][payload], the payload [count u32] then per operation
 * [type u8 (1 put, 2 del)][key length u32][key][value length u32][value] (a put's value only).
 */
export const MAGIC = Buffer.from('SPWAL01\n', 'latin1');
export const HEAD = 8;
const PUT = 1;
const DEL = 2;

/** Serialises one batch as a record (header included). */
export function encodeRecord(ops: readonly BatchOp[]): Buffer {
  let size = 8 + 4;
  for (const op of ops) size += 1 + 4 + Buffer.byteLength(op.key) + (op.type === 'put' ? 4 + op.value.length : 0);
  const buf = Buffer.allocUnsafe(size);
  let at = 8;
  buf.writeUInt32BE(ops.length, at);
  at += 4;
  for (const op of ops) {
    buf[at++] = op.type === 'put' ? PUT : DEL;
    const klen = buf.write(op.key, at + 4, 'utf8');
    buf.writeUInt32BE(klen, at);
    at += 4 + klen;
    if (op.type === 'put') {
      buf.writeUInt32BE(op.value.length, at);
      buf.set(op.value, at + 4);
      at += 4 + op.value.length;
    }
  }
  buf.writeUInt32BE(size - 8, 0);
  buf.writeUInt32BE(crc32(buf.subarray(8)), 4);
  return buf;
}

/**
 * The records of one segment's bytes. They end at a record header of zeros (the room made ahead of
 * the appends, see `WriteAheadLog.makeRoom`) or at the file's end (`clean`). A record that is
 * incomplete, or fails its checksum with nothing but zeros after it, is the torn last append of a
 * crash (`torn`); one that fails with more written after it is `damaged`.
 */
export function decodeSegment(bytes: Buffer): { batches: BatchOp[][]; end: 'clean' | 'torn' | 'damaged' | 'newer'; clean: number } {
  const batches: BatchOp[][] = [];
  const done = (end: 'clean' | 'torn' | 'damaged' | 'newer', clean: number) => ({ batches, end, clean });
  if (bytes.length < HEAD) return done(MAGIC.subarray(0, bytes.length).equals(bytes) ? 'torn' : 'damaged', 0);
  if (!bytes.subarray(0, HEAD).equals(MAGIC)) return done(newerMagic(bytes.subarray(0, HEAD)) ? 'newer' : 'damaged', 0);
  let at = HEAD;
  while (at < bytes.length) {
    if (bytes.length - at < 8) return done(zerosFrom(bytes, at) ? 'clean' : 'torn', at);
    const len = bytes.readUInt32BE(at);
    const sum = bytes.readUInt32BE(at + 4);
    if (len === 0 && sum === 0) return done('clean', at);
    if (bytes.length - at - 8 < len) return done('torn', at);
    const payload = bytes.subarray(at + 8, at + 8 + len);
    const ops = crc32(payload) === sum ? decodePayload(payload) : undefined;
    if (!ops) return done(zerosFrom(bytes, at + 8 + len) ? 'torn' : 'damaged', at);
    batches.push(ops);
    at += 8 + len;
  }
  return done('clean', at);
}

/** `SPWALnn` with nn above this version's: a log format this version does not know, not damage. */
function newerMagic(head: Buffer): boolean {
  const m = /^SPWAL(\d\d)\n$/.exec(head.toString('latin1'));
  return m !== null && Number(m[1]) > Number(MAGIC.toString('latin1').slice(5, 7));
}

function zerosFrom(bytes: Buffer, at: number): boolean {
  for (let i = at; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function decodePayload(p: Buffer): BatchOp[] | undefined {
  try {
    const count = p.readUInt32BE(0);
    let at = 4;
    const ops: BatchOp[] = [];
    for (let i = 0; i < count; i++) {
      const type = p[at++];
      const klen = p.readUInt32BE(at);
      const key = p.toString('utf8', at + 4, at + 4 + klen);
      at += 4 + klen;
      if (type === PUT) {
        const vlen = p.readUInt32BE(at);
        if (at + 4 + vlen > p.length) return undefined;
        // A copy: the record's buffer is dropped once the batch is replayed.
        ops.push({ type: 'put', key, value: new Uint8Array(p.subarray(at + 4, at + 4 + vlen)) });
        at += 4 + vlen;
      } else if (type === DEL) ops.push({ type: 'del', key });
      else return undefined;
    }
    return at === p.length ? ops : undefined;
  } catch {
    return undefined;
  }
}
