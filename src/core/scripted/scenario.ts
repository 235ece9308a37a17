import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Scenario files for the scripted model server: an ordered list of steps, each one answer to one
 * request (a message, or a failure). Validated with zod so a bad file names the bad field.
 */

const nonNegInt = z.number().int().nonnegative();

const textBlockSchema = z.strictObject({ type: z.literal('text'), text: z.string() });
const toolUseBlockSchema = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  /**
   * Streaming only: the raw JSON text sent for the input instead of `input`'s (e.g. cut short, as the
   * API sends it when max_tokens ends the message inside this block). Non-streaming answers send `input`.
   */
  inputJson: z.string().optional(),
});
const replyBlockSchema = z.discriminatedUnion('type', [textBlockSchema, toolUseBlockSchema]);

const usageSchema = z.strictObject({
  input_tokens: nonNegInt.default(10),
  output_tokens: nonNegInt.default(5),
  cache_creation_input_tokens: nonNegInt.default(0),
  cache_read_input_tokens: nonNegInt.default(0),
});

/** Checks on the request a step receives; a failed one answers 400, records a violation, and uses the step up. */
const expectSchema = z.strictObject({
  /** The text of the last user message (text blocks and tool_result contents) contains this. */
  lastUserContains: z.string().optional(),
  /** The last user message carries a tool_result for this tool_use id. */
  toolResultFor: z.string().optional(),
  /** With `toolResultFor`: that result's `is_error` (absent counts as false). */
  toolResultIsError: z.boolean().optional(),
  messageCount: nonNegInt.optional(),
  systemContains: z.string().optional(),
  /** Tool names the request must define. */
  toolsInclude: z.array(z.string()).optional(),
});

/** Fields every step has. */
const common = {
  /** Only requests for this model take the step; others skip past it. */
  model: z.string().optional(),
  /** How many requests the step answers before it is used up (a number or 'always'). Default 1. */
  times: z.union([z.number().int().positive(), z.literal('always')]).default(1),
  expect: expectSchema.optional(),
  /** Wait before answering anything. */
  delayMs: nonNegInt.default(0),
};

const messageStepSchema = z.strictObject({
  type: z.literal('message'),
  ...common,
  /** May be empty: the API does answer `end_turn` with no content at all, mostly right after tool results. */
  content: z.array(replyBlockSchema),
  /** Default: `tool_use` when the content has a tool_use block, else `end_turn`. */
  stop_reason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'pause_turn', 'refusal', 'model_context_window_exceeded']).optional(),
  usage: usageSchema.default({ input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }),
  /** The model the answer names; default the requested model. */
  responseModel: z.string().optional(),
  /** Streaming only: wait between SSE events. */
  chunkDelayMs: nonNegInt.default(0),
  /** Streaming: after this many SSE events, `destroy` the socket or `end` the body cleanly without message_stop. Non-streaming: the socket is destroyed before any answer. */
  cut: z.strictObject({ afterEvents: nonNegInt, mode: z.enum(['destroy', 'end']).default('destroy') }).optional(),
  /**
   * Streaming: after this many SSE events, send nothing more and keep the connection open until the
   * client goes away (a stream that stalls). Non-streaming: the headers go out, the body never does.
   */
  stall: z.strictObject({ afterEvents: nonNegInt }).optional(),
  /** Streaming: after this many SSE events, send an `error` event and end. Non-streaming: answer that error with its HTTP status. */
  streamError: z
    .strictObject({ afterEvents: nonNegInt, errorType: z.string().default('overloaded_error'), message: z.string().default('Overloaded') })
    .optional(),
});

const errorStepSchema = z.strictObject({
  type: z.literal('error'),
  ...common,
  status: z.number().int().min(400).max(599),
  /** Anthropic error type; default from the status (429 rate_limit_error, 529 overloaded_error, ...). */
  errorType: z.string().optional(),
  message: z.string().optional(),
  /** Seconds, sent as `retry-after` (fractions allowed). */
  retryAfter: z.number().nonnegative().optional(),
});

export const stepSchema = z.discriminatedUnion('type', [messageStepSchema, errorStepSchema]);
export const scenarioSchema = z.strictObject({ name: z.string().optional(), steps: z.array(stepSchema) });

export type Step = z.output<typeof stepSchema>;
/** A step as written (defaults optional). */
export type StepInput = z.input<typeof stepSchema>;
export type MessageStep = z.output<typeof messageStepSchema>;
export type ErrorStep = z.output<typeof errorStepSchema>;
export type StepExpect = z.output<typeof expectSchema>;
export type ReplyBlock = z.output<typeof replyBlockSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export type ScenarioErrorCode = 'UNREADABLE' | 'INVALID_JSON' | 'INVALID_SCENARIO';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(e: unknown, code?: ScenarioErrorCode): e is ScenarioError {
    return e instanceof ScenarioError && (code === undefined || e.code === code);
  }
}

/** `steps[2].content[0].input: expected record` style lines, one per issue. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`)).join('');
      return `${path || '(root)'}: ${i.message}`;
    })
    .join('; ');
}

/** Validates a scenario (an object with `steps`, or a bare array of steps) and applies defaults. Throws ScenarioError INVALID_SCENARIO. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(Array.isArray(input) ? { steps: input } : input);
  if (!r.success) throw new ScenarioError('INVALID_SCENARIO', `${source}: ${formatIssues(r.error.issues)}`);
  return r.data;
}

/** Validates one step. Throws ScenarioError INVALID_SCENARIO. */
export function parseStep(input: unknown): Step {
  const r = stepSchema.safeParse(input);
  if (!r.success) throw new ScenarioError('INVALID_SCENARIO', `step: ${formatIssues(r.error.issues)}`);
  return r.data;
}

/** Reads and validates a scenario JSON file. Throws ScenarioError with the file and the bad field in the message. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioError('UNREADABLE', `${path}: cannot read the scenario file`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError('INVALID_JSON', `${path}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseScenario(json, path);
}

/** The stop reason a message step answers with. */
export function stopReasonOf(step: MessageStep): string {
  return step.stop_reason ?? (step.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

/** A message step answering `text`. */
export function textStep(text: string, extra: Partial<Omit<z.input<typeof messageStepSchema>, 'type' | 'content'>> = {}): StepInput {
  return { type: 'message', content: [{ type: 'text', text }], ...extra };
}

/** A message step calling tools, with an optional text block first. */
export function toolStep(
  calls: ReadonlyArray<{ id: string; name: string; input: Record<string, unknown> }>,
  extra: Partial<Omit<z.input<typeof messageStepSchema>, 'type' | 'content'>> & { text?: string } = {},
): StepInput {
  const { text, ...rest } = extra;
  const content: ReplyBlock[] = [...(text === undefined ? [] : [{ type: 'text' as const, text }]), ...calls.map((c) => ({ type: 'tool_use' as const, ...c }))];
  return { type: 'message', content, ...rest };
}

/** A failure step answering HTTP `status`. */
export function errorStep(status: number, extra: Partial<Omit<z.input<typeof errorStepSchema>, 'type' | 'status'>> = {}): StepInput {
  return { type: 'error', status, ...extra };
}
