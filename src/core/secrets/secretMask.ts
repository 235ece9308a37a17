/**
 * Secret values of the environment kept out of what the agent's commands and tools show: each
 * occurrence becomes a marker naming the variable, as CI systems mask their secrets. The commands
 * keep their environment (gh, npm publish, aws still work); only their output is masked.
 */

/**
 * The names of variables whose values are secret, as patterns (`*` any run of characters, `?` one;
 * compared in any letter case): the setting `savepoint.secretEnvNames` by default. Besides these,
 * any variable whose value is a URL with a password (`postgres://user:password@host/db`) is secret.
 */
export const DEFAULT_SECRET_NAMES: readonly string[] = ['*TOKEN', '*SECRET*', '*PASSWORD*', '*PASSWD*', '*API_KEY*', '*APIKEY*', '*PRIVATE_KEY*'];

/** Shorter values are not masked: "1", "true" or a port number would hide half the output. */
export const MIN_SECRET_LENGTH = 8;

/** The model credentials: masked whatever the setting says (they never reach a command, but a command can read them elsewhere). */
const ALWAYS_SECRET = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

/** A start or end of a secret cut off at the edge of the kept output, this long or longer, is masked too. */
const MIN_FRAGMENT = 4;

/** What a pattern may hold: a variable name's characters and the two wildcards. */
const PATTERN = /^[A-Za-z0-9_.*?-]+$/;

/** Why `pattern` is not a name pattern (in words, after "which "), or undefined when it is one. */
export function secretNameFault(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'is empty';
  if (!PATTERN.test(pattern)) return 'is not a variable name pattern (letters, digits, _, and * or ? as wildcards)';
  if (/^\*+$/.test(pattern)) return 'would make every variable secret';
  return undefined;
}

/** The marker that stands for the value of `name` in masked output. */
export const secretMarker = (name: string): string => `[secret ${name} hidden]`;

export interface SecretValue {
  /** The variable's name (the marker names it). */
  name: string;
  value: string;
}

function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The password of a URL with one (`scheme://user:password@host`), as written and decoded. */
function urlPasswords(value: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:([^\s/@]+)@/i.exec(value.trim());
  if (!m?.[1]) return [];
  const written = m[1];
  let decoded = written;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    // Not valid percent-encoding: only the text as written.
  }
  return [...new Set([written, decoded])];
}

/**
 * The secret values of `env`: those of the variables whose names match `patterns` (and of the model
 * credentials), and the passwords of URLs with one, each with the variable's name; `extra` adds
 * values known otherwise (an API key kept in the editor's secret storage). A value of several lines
 * is masked whole and line by line. Values shorter than MIN_SECRET_LENGTH are left out.
 */
export function secretValues(env: Readonly<Record<string, string | undefined>>, patterns: readonly string[], extra: readonly SecretValue[] = []): SecretValue[] {
  const matchers = patterns.filter((p) => secretNameFault(p) === undefined).map(globRegExp);
  const found: SecretValue[] = [];
  const add = (name: string, value: string) => {
    for (const v of [value, ...value.split(/\r?\n/)].map((x) => x.replace(/\r$/, ''))) {
      if (v.trim().length >= MIN_SECRET_LENGTH && !found.some((f) => f.value === v)) found.push({ name, value: v });
    }
  };
  for (const s of extra) add(s.name, s.value);
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!value) continue;
    if (ALWAYS_SECRET.includes(name.toUpperCase()) || matchers.some((m) => m.test(name))) add(name, value);
    else if (urlPasswords(value).length) add(name, value);
    for (const p of urlPasswords(value)) add(name, p);
  }
  return found;
}

interface Needle {
  name: string;
  bytes: Buffer;
}

/** Where a marker goes: bytes [start, end) of the input. */
interface Span {
  start: number;
  end: number;
  name: string;
}

/**
 * Replaces secret values by their markers in bytes or text. Matching is on bytes, so output that is
 * not UTF-8 is masked as well, and nothing else in it changes.
 */
export class SecretMask {
  private readonly needles: Needle[];

  constructor(values: readonly SecretValue[]) {
    // Longest first: where two values overlap, the longer one's name is given.
    this.needles = values.map((v) => ({ name: v.name, bytes: Buffer.from(v.value, 'utf8') })).sort((a, b) => b.bytes.length - a.bytes.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  /** The markers this mask writes, one per variable. */
  markers(): string[] {
    return [...new Set(this.needles.map((n) => secretMarker(n.name)))];
  }

  /**
   * `bytes` with every secret value replaced by its marker. `cut.end`: the bytes were cut after
   * their end (kept output that goes on), so a secret's first bytes there are masked too;
   * `cut.start`: they were cut before their start, so a secret's last bytes there are.
   */
  maskBytes(bytes: Uint8Array, cut: { start?: boolean; end?: boolean } = {}): Uint8Array {
    if (this.empty || bytes.length === 0) return bytes;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const spans: Span[] = [];
    for (const n of this.needles) {
      for (let at = b.indexOf(n.bytes); at !== -1; at = b.indexOf(n.bytes, at + 1)) spans.push({ start: at, end: at + n.bytes.length, name: n.name });
    }
    if (cut.end) {
      const f = this.fragment(b, 'end');
      if (f) spans.push(f);
    }
    if (cut.start) {
      const f = this.fragment(b, 'start');
      if (f) spans.push(f);
    }
    if (spans.length === 0) return bytes;
    spans.sort((x, y) => x.start - y.start || y.end - x.end);
    // Overlapping values are hidden together, under the first one's name.
    const merged: Span[] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    const parts: Buffer[] = [];
    let pos = 0;
    for (const s of merged) {
      parts.push(b.subarray(pos, s.start), Buffer.from(secretMarker(s.name)));
      pos = s.end;
    }
    parts.push(b.subarray(pos));
    const out = Buffer.concat(parts);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  /** `text` with every secret value replaced by its marker. */
  maskText(text: string): string {
    if (this.empty || text === '') return text;
    return this.needles.some((n) => text.includes(n.bytes.toString('utf8'))) ? Buffer.from(this.maskBytes(Buffer.from(text, 'utf8'))).toString('utf8') : text;
  }

  /** The longest start (`end`: at the end of `b`) or end (`start`) of a secret cut off at that edge. */
  private fragment(b: Buffer, edge: 'start' | 'end'): Span | undefined {
    let best: Span | undefined;
    for (const n of this.needles) {
      for (let len = Math.min(n.bytes.length - 1, b.length); len >= MIN_FRAGMENT; len--) {
        if (best && len <= best.end - best.start) break;
        const piece = edge === 'end' ? n.bytes.subarray(0, len) : n.bytes.subarray(n.bytes.length - len);
        const at = edge === 'end' ? b.length - len : 0;
        if (b.compare(piece, 0, len, at, at + len) === 0) {
          best = { start: at, end: at + len, name: n.name };
          break;
        }
      }
    }
    return best;
  }
}
