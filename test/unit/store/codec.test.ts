import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import { RECORD_VERSION, RecordCodec } from '../../../src/core/store/codec';
import { sourceFile } from '../builders';

/** A record framed the way the first release wrote it: deflate with zlib's default window and memory. */
function legacyRecord(payload: Buffer): Buffer {
  const body = deflateRawSync(payload, { level: 6 });
  const out = Buffer.alloc(6 + body.length);
  out[0] = 1;
  out[1] = 1;
  body.copy(out, 6);
  out.writeUInt32BE(crc32(out.subarray(6), crc32(out.subarray(0, 2))), 2);
  return out;
}

describe('RecordCodec', () => {
  const codec = new RecordCodec({ compressMin: 512 });
  const sizes = [0, 100, 511, 512, 700, 2_000, 4_095, 4_096, 6_000, 20_000, 70_000, 400_000];

  it('round-trips compressible, repetitive and incompressible payloads of every size', () => {
    for (const n of sizes) {
      const prose = Buffer.from(sourceFile(n % 97, Math.ceil(n / 30) + 1)).subarray(0, n);
      const repetitive = Buffer.alloc(n, 'abc ');
      const random = randomBytes(n);
      for (const payload of [prose, repetitive, random]) {
        const framed = codec.encode(payload);
        assert.equal(framed[0], RECORD_VERSION);
        assert.ok(codec.decode(framed).equals(payload), `${n} bytes`);
      }
      if (n >= 2_000) assert.ok(codec.encode(repetitive).length < n / 10, `${n} repetitive bytes are compressed`);
    }
  });

  it('reads records written with the former deflate settings', () => {
    for (const n of [600, 5_000, 100_000]) {
      const payload = Buffer.from(sourceFile(n % 13, Math.ceil(n / 30) + 1)).subarray(0, n);
      assert.ok(codec.decode(legacyRecord(payload)).equals(payload), `${n} bytes`);
    }
  });
});
