import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MessagesRequest, checkExpect, checkRequest, fingerprintOf } from './requestChecks';
import { apiMessage, sendError, sendJson, sleep, statusFor, write } from './responses';
import { type ErrorStep, type MessageStep, type Scenario, type ScenarioInput, type StepInput, parseScenario, parseStep } from './scenario';
import { encodeSse, errorEvent, messageEvents } from './sse';
import { StepQueue } from './stepQueue';

/** How one request was answered. `message` is the only successful answer (a whole message delivered). */
export type RequestOutcome = 'pending' | 'message' | 'error' | 'cut' | 'stream_error' | 'stalled' | 'invalid' | 'exhausted' | 'aborted';

export interface RecordedRequest {
  /** Arrival order, from 0. */
  seq: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  method: string;
  path: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  model?: string;
  stream: boolean;
  /** Index of the scenario step that answered it (counting pushed steps). */
  stepIndex?: number;
  /** sha-256 of the request's messages; present for well-formed requests. */
  fingerprint?: string;
  status?: number;
  outcome: RequestOutcome;
}

export type ViolationKind = 'invalid_request' | 'expectation' | 'exhausted' | 'unknown_route' | 'auth';

/** Something the client did that the real API would refuse, or the scenario did not foresee. */
export interface Violation {
  seq: number;
  kind: ViolationKind;
  message: string;
}

export interface ScriptedServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Keep the step use counts in this file, so a restarted server continues where it stopped. */
  stateFile?: string;
  /** Called as each violation is recorded (the CLI logs them). */
  onViolation?: (v: Violation) => void;
}

/** Counts and violations as JSON, for tests in another process. */
export const STATS_PATH = '/_scripted/stats';

/** Largest request body accepted. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * An HTTP server on 127.0.0.1 that answers `POST /v1/messages` like the Anthropic Messages API,
 * from a scenario of scripted steps (JSON or SSE, failures included). It checks every request
 * strictly and records it, so tests can assert what the client sent and how often.
 */
export class ScriptedModelServer {
  private readonly log: RecordedRequest[] = [];
  private readonly found: Violation[] = [];
  private readonly answered = new Map<string, number>();
  private readonly inFlight = new Set<AbortController>();
  private readonly queue: StepQueue;
  private listenPort = 0;

  private constructor(
    private readonly server: Server,
    scenario: Scenario,
    private readonly options: ScriptedServerOptions,
  ) {
    this.queue = new StepQueue(scenario.steps, options.stateFile);
  }

  /**
   * Validates the scenario (an object with `steps` or a bare list of steps; throws ScenarioError)
   * and listens on 127.0.0.1. Resolves once it listens.
   */
  static async start(scenario: ScenarioInput | readonly StepInput[], options: ScriptedServerOptions = {}): Promise<ScriptedModelServer> {
    const parsed = parseScenario(scenario);
    const server = createServer();
    const self = new ScriptedModelServer(server, parsed, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        self.listenPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
    return self;
  }

  /** The port it listens on. */
  get port(): number {
    return this.listenPort;
  }

  /** `http://127.0.0.1:PORT`: the SDK's `baseURL`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every request received so far, in arrival order (copies). */
  requests(): RecordedRequest[] {
    return this.log.map((r) => ({ ...r }));
  }

  /** How many requests arrived (refused ones included). */
  /** What a test in another process can ask at `GET /_scripted/stats`. */
  stats(): { requests: number; answered: number; duplicateTurns: string[]; violations: Violation[]; remainingSteps: number } {
    return {
      requests: this.requestCount(),
      answered: this.log.filter((r) => r.outcome === 'message').length,
      duplicateTurns: this.duplicateTurns(),
      violations: this.violations(),
      remainingSteps: this.remainingSteps(),
    };
  }

  requestCount(): number {
    return this.log.length;
  }

  /** Violations recorded so far; a test that expects a clean run asserts this is empty. */
  violations(): Violation[] {
    return [...this.found];
  }

  /**
   * Fingerprints (see RecordedRequest.fingerprint) of conversations that got more than one
   * successful answer: a model turn requested twice. Failed attempts (errors, cuts) do not count.
   */
  duplicateTurns(): string[] {
    return [...this.answered].filter(([, n]) => n > 1).map(([f]) => f);
  }

  /** Steps with a finite `times` not yet used up. */
  remainingSteps(): number {
    return this.queue.remaining();
  }

  /** Appends a step (validated; throws ScenarioError). */
  push(step: StepInput): void {
    this.queue.push(parseStep(step));
  }

  /** Replaces the steps with a new scenario's; the request log and violations are kept. */
  load(scenario: ScenarioInput | readonly StepInput[]): void {
    this.queue.load(parseScenario(scenario).steps);
  }

  /** Stops listening, cuts every open connection and ends delays in progress. */
  async close(): Promise<void> {
    for (const c of this.inFlight) c.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private violation(rec: RecordedRequest, kind: ViolationKind, message: string): void {
    const v = { seq: rec.seq, kind, message };
    this.found.push(v);
    this.options.onViolation?.(v);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    this.inFlight.add(abort);
    res.on('close', () => abort.abort());
    const raw = await readBody(req).catch(() => undefined);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === STATS_PATH) {
      // For tests driving the server from another process (the real-editor suites); not recorded as a request.
      this.inFlight.delete(abort);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.stats()));
      return;
    }
    const rec: RecordedRequest = { seq: this.log.length, at: Date.now(), method: req.method ?? '', path, body: tryJson(raw), stream: false, outcome: 'pending' };
    this.log.push(rec);
    const requestId = `req_scripted_${rec.seq}`;
    try {
      await this.route(req, res, rec, raw ?? '', requestId, abort.signal);
    } catch (e) {
      // A bug of the server itself: answer 500 rather than crash the test process.
      rec.status = 500;
      if (!res.headersSent) sendError(res, requestId, 500, { message: `scripted server failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.inFlight.delete(abort);
      if (rec.outcome === 'pending') rec.outcome = 'aborted';
      if (!res.writableEnded && !res.destroyed) res.destroy();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, raw: string, requestId: string, signal: AbortSignal): Promise<void> {
    const refuse = (status: number, kind: ViolationKind, message: string, outcome: RequestOutcome = 'invalid') => {
      this.violation(rec, kind, message);
      rec.status = status;
      rec.outcome = outcome;
      sendError(res, requestId, status, { message });
    };
    if (rec.method !== 'POST' || rec.path !== '/v1/messages') return refuse(404, 'unknown_route', `no route ${rec.method} ${rec.path}`);
    if (!req.headers['x-api-key'] && !req.headers.authorization) return refuse(401, 'auth', 'no x-api-key or authorization header');
    if (!req.headers['anthropic-version']) return refuse(400, 'invalid_request', 'no anthropic-version header');
    const checked = checkRequest(raw);
    if (!checked.ok) return refuse(400, 'invalid_request', checked.problems.join('; '));
    const body = checked.request;
    rec.model = body.model;
    rec.stream = body.stream ?? false;
    rec.fingerprint = fingerprintOf(body.messages);
    const taken = this.queue.take(body.model);
    if (!taken) return refuse(500, 'exhausted', `scenario exhausted: no step left for model ${body.model}`, 'exhausted');
    rec.stepIndex = taken.index;
    const failed = checkExpect(taken.step.expect, body);
    if (failed.length) return refuse(400, 'expectation', `step ${taken.index}: ${failed.join('; ')}`);
    await sleep(taken.step.delayMs, signal);
    if (signal.aborted) return;
    if (taken.step.type === 'error') return answerError(res, rec, requestId, taken.step);
    const outcome = rec.stream ? await streamMessage(res, rec, requestId, taken.step, body, signal) : await answerJson(res, rec, requestId, taken.step, body, signal);
    rec.outcome = outcome;
    if (outcome === 'message') this.answered.set(rec.fingerprint, (this.answered.get(rec.fingerprint) ?? 0) + 1);
  }
}

function answerError(res: ServerResponse, rec: RecordedRequest, requestId: string, step: ErrorStep): void {
  rec.status = step.status;
  rec.outcome = 'error';
  const headers: Record<string, string> = step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) };
  sendError(res, requestId, step.status, { ...(step.errorType ? { type: step.errorType } : {}), message: step.message ?? `scripted ${step.status}` }, headers);
}

async function answerJson(res: ServerResponse, rec: RecordedRequest, requestId: string, step: MessageStep, body: MessagesRequest, signal: AbortSignal): Promise<RequestOutcome> {
  if (step.stall) {
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
    res.flushHeaders();
    return stallUntilGone(signal);
  }
  if (step.cut) {
    res.destroy();
    return 'cut';
  }
  if (step.streamError) {
    rec.status = statusFor(step.streamError.errorType);
    sendError(res, requestId, rec.status, { type: step.streamError.errorType, message: step.streamError.message });
    return 'stream_error';
  }
  rec.status = 200;
  const message = apiMessage(step, body.model, `msg_scripted_${rec.seq}`);
  // A tool input's raw JSON (`inputJson`) is for streams; a whole answer has the input itself.
  sendJson(res, requestId, { ...message, content: message.content.map((b) => (b.type === 'tool_use' ? { type: b.type, id: b.id, name: b.name, input: b.input } : b)) });
  return 'message';
}

async function streamMessage(
  res: ServerResponse,
  rec: RecordedRequest,
  requestId: string,
  step: MessageStep,
  body: MessagesRequest,
  signal: AbortSignal,
): Promise<RequestOutcome> {
  rec.status = 200;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': requestId });
  res.flushHeaders();
  const events = messageEvents(apiMessage(step, body.model, `msg_scripted_${rec.seq}`));
  for (let i = 0; i <= events.length; i++) {
    if (step.cut?.afterEvents === i) {
      if (step.cut.mode === 'end') res.end();
      else res.destroy();
      return 'cut';
    }
    if (step.stall?.afterEvents === i) return stallUntilGone(signal);
    if (step.streamError?.afterEvents === i) {
      await write(res, encodeSse(errorEvent(step.streamError.errorType, step.streamError.message)));
      res.end();
      return 'stream_error';
    }
    const e = events[i];
    if (!e) break;
    if (i > 0) await sleep(step.chunkDelayMs, signal);
    if (signal.aborted || !(await write(res, encodeSse(e)))) return 'aborted';
  }
  await new Promise<void>((resolve) => res.end(resolve));
  return 'message';
}

/** Sends nothing more until the client goes away or the server closes: a stalled answer. */
async function stallUntilGone(signal: AbortSignal): Promise<RequestOutcome> {
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  return 'stalled';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tryJson(raw: string | undefined): unknown {
  try {
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}
