import type { Usage } from './types';

export interface ModelInfo {
  /** USD per million input / output tokens (list prices; settings may override). */
  inputPerMTok: number;
  outputPerMTok: number;
  contextWindow: number;
}

/**
 * Known model families, matched by id prefix (dated ids like `claude-sonnet-4-5-20250929` match too),
 * the more specific first. The windows of the 1M-token models are left at 200K: compaction keeps to
 * the window it always had for them (see ContextOptions.window).
 */
const KNOWN: ReadonlyArray<[prefix: string, info: ModelInfo]> = [
  ['claude-fable-5', { inputPerMTok: 10, outputPerMTok: 50, contextWindow: 200_000 }],
  ['claude-opus-5-5', { inputPerMTok: 4, outputPerMTok: 20, contextWindow: 200_000 }],
  ['claude-opus-5', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4-8', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4-7', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4-6', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4-5', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4', { inputPerMTok: 15, outputPerMTok: 75, contextWindow: 200_000 }],
  ['claude-sonnet-5', { inputPerMTok: 2, outputPerMTok: 10, contextWindow: 200_000 }],
  ['claude-sonnet-4', { inputPerMTok: 3, outputPerMTok: 15, contextWindow: 200_000 }],
  ['claude-haiku-4', { inputPerMTok: 1, outputPerMTok: 5, contextWindow: 200_000 }],
  ['claude-3-7-sonnet', { inputPerMTok: 3, outputPerMTok: 15, contextWindow: 200_000 }],
  ['claude-3-5-haiku', { inputPerMTok: 0.8, outputPerMTok: 4, contextWindow: 200_000 }],
];

/**
 * The price a model not in the table is counted at: the dearest known of its family (opus, sonnet,
 * haiku, fable, by name), else the dearest known of all. An upper bound, so that a cost budget stops
 * a session early rather than never: priced at $0, its turns never used the budget up.
 */
function priceBound(model: string): Pick<ModelInfo, 'inputPerMTok' | 'outputPerMTok'> {
  const family = /(opus|sonnet|haiku|fable)/.exec(model)?.[1];
  const kin = KNOWN.filter(([prefix]) => family !== undefined && prefix.includes(family));
  const pool = kin.length ? kin : KNOWN;
  return { inputPerMTok: Math.max(...pool.map(([, i]) => i.inputPerMTok)), outputPerMTok: Math.max(...pool.map(([, i]) => i.outputPerMTok)) };
}

/** Cache writes cost 1.25x input, cache reads 0.1x input (5-minute ephemeral cache). */
const CACHE_WRITE_FACTOR = 1.25;
const CACHE_READ_FACTOR = 0.1;

export function modelInfo(model: string, overrides: Record<string, ModelInfo> = {}): ModelInfo | undefined {
  if (overrides[model]) return overrides[model];
  return KNOWN.find(([prefix]) => model.startsWith(prefix))?.[1];
}

/** Cost of one response in USD; for a model whose price is not known, at most (`priceBound`). */
export function costOf(model: string, usage: Usage, overrides?: Record<string, ModelInfo>): number {
  const info = modelInfo(model, overrides) ?? priceBound(model);
  const input = usage.input + usage.cacheWrite * CACHE_WRITE_FACTOR + usage.cacheRead * CACHE_READ_FACTOR;
  return (input * info.inputPerMTok + usage.output * info.outputPerMTok) / 1_000_000;
}
