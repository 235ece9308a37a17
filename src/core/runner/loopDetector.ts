/** Detects an agent going round in circles, from the calls it made. Pure. */

export interface CallRecord {
  /** Tool name and canonical input: the same key means the same call. */
  key: string;
  /** The call changed the workspace (a successful mutation): that is progress. */
  progressed: boolean;
}

export interface LoopFinding {
  kind: 'repeat' | 'cycle';
  /** The calls that repeat, oldest first. */
  calls: string[];
  times: number;
}

export interface LoopOptions {
  /** The same call this many times in a row is a loop. Default 3. */
  repeat?: number;
  /** A cycle of up to this many calls repeated `repeat` times without progress is a loop. Default 4. */
  maxPeriod?: number;
}

/** Stable JSON (sorted keys), so that {a,b} and {b,a} are the same call. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const callKey = (name: string, input: unknown): string => `${name} ${canonical(input)}`;

export function detectLoop(history: readonly CallRecord[], options: LoopOptions = {}): LoopFinding | undefined {
  const repeat = options.repeat ?? 3;
  const maxPeriod = options.maxPeriod ?? 4;
  for (let period = 1; period <= maxPeriod; period++) {
    const span = period * repeat;
    if (history.length < span) break;
    const tail = history.slice(-span);
    const pattern = tail.slice(0, period).map((c) => c.key);
    if (period > 1 && new Set(pattern).size === 1) continue;
    // Identical repeats are a loop even if they "progress" (rewriting the same file again and again),
    // and so is a cycle whose very calls change the workspace each time round: the same edits can
    // only apply again because the cycle undid them (an edit and its reverse, a build and a clean).
    // A change made once inside the span is progress the cycle did not make again: no loop yet.
    if (period > 1 && tail.some((c, i) => c.progressed !== (tail[i % period] as CallRecord).progressed)) continue;
    if (tail.every((c, i) => c.key === pattern[i % period])) {
      return { kind: period === 1 ? 'repeat' : 'cycle', calls: pattern, times: repeat };
    }
  }
  return undefined;
}
