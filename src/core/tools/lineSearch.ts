import { Worker } from 'node:worker_threads';

/**
 * Matches the lines of texts; one source for the worker and the main thread. A line break is LF or
 * CRLF; a final line break ends the last line, it does not start another. Returns at most
 * `limit` + 1 hits (one more says there were more), writing the text it is in to `progress`.
 */
const MATCH_LINES = `function matchLines(re, texts, limit, progress) {
  const hits = [];
  for (let t = 0; t < texts.length && hits.length <= limit; t++) {
    if (progress) Atomics.store(progress, 0, t);
    const lines = texts[t].split('\\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length && hits.length <= limit; i++) {
      const line = lines[i].endsWith('\\r') ? lines[i].slice(0, -1) : lines[i];
      const m = re.exec(line);
      if (m) hits.push([t, i, m.index]);
    }
  }
  return hits;
}`;

/** The worker's code, evaluated there: the bundle needs no second entry point. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
${MATCH_LINES}
const re = new RegExp(workerData.source, workerData.flags);
const progress = new Int32Array(workerData.progress);
parentPort.on('message', ({ texts, limit }) => parentPort.postMessage(matchLines(re, texts, limit, progress)));
`;

/** One matching line: which text of the batch, its 0-based line, where the match starts in it. */
export type LineHit = [text: number, line: number, index: number];

type MatchLines = (re: RegExp, texts: readonly string[], limit: number, progress?: Int32Array) => LineHit[];
const matchLines = new Function(`return (${MATCH_LINES});`)() as MatchLines;

/** The batch ran past its budget: `text` is the one the worker was in. */
export class SearchTimeout extends Error {
  constructor(readonly text: number) {
    super('the regular expression ran past its time budget');
  }
}

/**
 * Matches a regular expression against the lines of texts. A pattern the model writes may
 * backtrack catastrophically (`(a+)+$` on a long line runs for minutes): on the main thread nothing
 * could stop it, neither a cancel nor the extension host's other work. Such a pattern runs in a
 * worker thread, terminated when one batch of texts takes past `budgetMs`. A literal (escaped)
 * pattern cannot backtrack: it runs on the main thread, without a worker's start-up.
 */
export class LineSearch {
  private readonly worker: Worker | undefined;
  private readonly progress = new SharedArrayBuffer(4);
  private failure: Error | undefined;

  constructor(
    private readonly re: RegExp,
    literal: boolean,
    private readonly budgetMs: number,
  ) {
    if (literal) return;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source: re.source, flags: re.flags, progress: this.progress } });
    this.worker.on('error', (e) => {
      this.failure = e;
    });
  }

  /**
   * The matching lines of `texts`, at most `limit` + 1 (see MATCH_LINES). Rejects with SearchTimeout
   * past the budget, or with the signal's reason once it is aborted.
   */
  match(texts: readonly string[], limit: number, signal: AbortSignal): Promise<LineHit[]> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(matchLines(this.re, texts, limit));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<LineHit[]>((resolve, reject) => {
      const done = (f: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        f();
      };
      const onMessage = (hits: LineHit[]) => done(() => resolve(hits));
      const onError = (e: Error) => done(() => reject(e));
      const onAbort = () => done(() => reject(signal.reason));
      const timer = setTimeout(() => done(() => reject(new SearchTimeout(Atomics.load(new Int32Array(this.progress), 0)))), this.budgetMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      else worker.postMessage({ texts, limit });
    });
  }

  /** Ends the worker, whatever it is doing. */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
