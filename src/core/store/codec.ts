import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { StoreError } from './errors';

/**
 * Every value in the store is framed as:
 *   byte 0     record format version (RECORD_VERSION)
 *   byte 1     flags: bit 0 deflate-compressed, bit 1 AES-256-GCM encrypted
 *   bytes 2-5  crc32 (big endian) of bytes 0-1 and the payload
 *   bytes 6-   payload (compressed, then encrypted, when flagged)
 * An encrypted payload is iv(12) + tag(16) + ciphertext.
 */
export const RECORD_VERSION = 1;
const HEADER = 6;
const FLAG_DEFLATE = 1;
const FLAG_AES = 2;
const KNOWN_FLAGS = FLAG_DEFLATE | FLAG_AES;
const IV_LEN = 12;
const TAG_LEN = 16;

/** Source of the 32-byte key for encryption at rest. The extension keeps it in SecretStorage. */
export interface KeyProvider {
  /**
   * Resolves the key; called once when the store opens. Must return the same key every time for a
   * given store, or its encrypted records become unreadable (they then fail with KEY_UNAVAILABLE).
   */
  getKey(): Promise<Uint8Array>;
}

export interface CodecOptions {
  /** Compress payloads at least this large when it saves at least 1/8. 0 disables compression. */
  compressMin: number;
  /** A 32-byte key: new records are encrypted; existing encrypted records can be read. */
  key?: Uint8Array;
}

export class RecordCodec {
  private readonly key: Buffer | undefined;

  constructor(private readonly options: CodecOptions) {
    if (options.key && options.key.length !== 32) {
      throw new StoreError('INVALID_ARGUMENT', 'the encryption key must be 32 bytes (AES-256)');
    }
    this.key = options.key ? Buffer.from(options.key) : undefined;
  }

  get encrypting(): boolean {
    return this.key !== undefined;
  }

  /**
   * What the store records of its key (see storeMeta.ts): an HMAC-SHA-256 of a fixed text under
   * the key, which tells whether a key is the store's without saying anything of the key itself.
   * Undefined without a key.
   */
  keyCheck(): string | undefined {
    return this.key ? createHmac('sha256', this.key).update('savepoint store key check 1').digest('base64') : undefined;
  }

  encode(payload: Uint8Array): Buffer {
    let flags = 0;
    let body: Uint8Array = payload;
    if (this.options.compressMin > 0 && payload.length >= this.options.compressMin) {
      const z = deflateRawSync(payload, deflateOptions(payload.length));
      if (z.length < payload.length - (payload.length >> 3)) {
        body = z;
        flags |= FLAG_DEFLATE;
      }
    }
    if (this.key) {
      const iv = randomBytes(IV_LEN);
      const c = createCipheriv('aes-256-gcm', this.key, iv);
      const ct = Buffer.concat([c.update(body), c.final()]);
      body = Buffer.concat([iv, c.getAuthTag(), ct]);
      flags |= FLAG_AES;
    }
    const out = Buffer.allocUnsafe(HEADER + body.length);
    out[0] = RECORD_VERSION;
    out[1] = flags;
    out.set(body, HEADER);
    out.writeUInt32BE(checksum(out), 2);
    return out;
  }

  /** Decodes a framed value; throws StoreError CORRUPT, SCHEMA_UNSUPPORTED or KEY_UNAVAILABLE. */
  decode(value: Uint8Array): Buffer {
    const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (buf.length < HEADER) throw new StoreError('CORRUPT', `record too short (${buf.length} bytes)`);
    if (buf.readUInt32BE(2) !== checksum(buf)) throw new StoreError('CORRUPT', 'record checksum mismatch');
    const version = buf[0] as number;
    const flags = buf[1] as number;
    if (version > RECORD_VERSION) {
      throw new StoreError('SCHEMA_UNSUPPORTED', `record format ${version} is newer than this Savepoint (${RECORD_VERSION})`);
    }
    if (version < 1 || (flags & ~KNOWN_FLAGS) !== 0) {
      throw new StoreError('CORRUPT', `record header invalid (version ${version}, flags ${flags})`);
    }
    let body: Buffer = buf.subarray(HEADER);
    if (flags & FLAG_AES) body = this.decrypt(body);
    if (flags & FLAG_DEFLATE) {
      try {
        body = inflateRawSync(body, { chunkSize: outputChunk(body.length * 3) });
      } catch (e) {
        throw new StoreError('CORRUPT', 'record does not decompress', { cause: e });
      }
    }
    return body;
  }

  private decrypt(body: Buffer): Buffer {
    if (!this.key) throw new StoreError('KEY_UNAVAILABLE', 'this record is encrypted and no key was supplied');
    if (body.length < IV_LEN + TAG_LEN) throw new StoreError('CORRUPT', 'encrypted record too short');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, body.subarray(0, IV_LEN));
      d.setAuthTag(body.subarray(IV_LEN, IV_LEN + TAG_LEN));
      return Buffer.concat([d.update(body.subarray(IV_LEN + TAG_LEN)), d.final()]);
    } catch (e) {
      throw new StoreError('KEY_UNAVAILABLE', 'this record does not decrypt with the supplied key', { cause: e });
    }
  }
}

/**
 * zlib allocates its window and hash table per call; a window no larger than the record (plus
 * zlib's lookahead) finds the same matches with less to set up. The output is plain raw deflate,
 * which `inflateRawSync` (default 15-bit window) reads whatever window wrote it: no format change.
 */
function deflateOptions(length: number): { level: number; windowBits: number; memLevel: number; chunkSize: number } {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(length + 262))));
  return { level: 6, windowBits, memLevel: Math.min(8, windowBits - 7), chunkSize: outputChunk(length) };
}

/**
 * zlib's one-shot calls allocate a 16 KB output buffer each, outside the small-buffer pool; for
 * thousands of small records that allocation (and the garbage collections it brings) costs more
 * than the compression. A chunk near the expected output size comes from the pool; an output that
 * does not fit simply takes more chunks.
 */
function outputChunk(expected: number): number {
  return Math.min(16 * 1024, Math.max(256, expected + 64));
}

/** Whether `value` is a whole framed record (its checksum holds) that says it is encrypted. Nothing is decrypted. */
export function isEncrypted(value: Uint8Array): boolean {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return buf.length >= HEADER && buf[0] === RECORD_VERSION && ((buf[1] as number) & FLAG_AES) !== 0 && buf.readUInt32BE(2) === checksum(buf);
}

function checksum(framed: Buffer): number {
  return crc32(framed.subarray(HEADER), crc32(framed.subarray(0, 2)));
}

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

export function jsonBytes(value: unknown): Uint8Array {
  return te.encode(JSON.stringify(value));
}

export function parseJson<T>(bytes: Uint8Array): T {
  try {
    return JSON.parse(td.decode(bytes)) as T;
  } catch (e) {
    throw new StoreError('CORRUPT', 'record is not valid JSON', { cause: e });
  }
}
