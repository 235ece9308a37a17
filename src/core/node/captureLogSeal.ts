import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * How the capture's log writes and reads its lines. The log holds the workspace's paths and the
 * hashes of their contents (never contents): with encryption at rest on, each line is sealed with the
 * store's key (AES-256-GCM, a fresh IV a line) so that the log says no more than the store does.
 * A sealed line is `~` and base64 of iv(12) + tag(16) + ciphertext; a plain line is JSON (`{`...).
 */
export interface LineSeal {
  seal(line: string): string;
  /** The line's JSON text; undefined when it cannot be read (sealed with another key, or without one here, or torn). */
  open(raw: string): string | undefined;
}

const IV = 12;
const TAG = 16;

/** Plain JSON lines; a sealed line cannot be read without the key. */
export const PLAIN_LINES: LineSeal = { seal: (line) => line, open: (raw) => (raw.startsWith('~') ? undefined : raw) };

/** Lines sealed with `key` (32 bytes); plain lines (a log written before encryption was turned on) are read too. */
export function sealedLines(key: Uint8Array): LineSeal {
  if (key.length !== 32) throw new Error('the capture log key must be 32 bytes (AES-256)');
  const k = Buffer.from(key);
  return {
    seal(line) {
      const iv = randomBytes(IV);
      const c = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([c.update(line, 'utf8'), c.final()]);
      return `~${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
    },
    open(raw) {
      if (!raw.startsWith('~')) return raw;
      const b = Buffer.from(raw.slice(1), 'base64');
      if (b.length < IV + TAG) return undefined;
      try {
        const d = createDecipheriv('aes-256-gcm', k, b.subarray(0, IV));
        d.setAuthTag(b.subarray(IV, IV + TAG));
        return Buffer.concat([d.update(b.subarray(IV + TAG)), d.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
