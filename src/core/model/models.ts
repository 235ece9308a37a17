import type { Usage } from './types';

export interface ModelInfo {
  /** USD per million input / output tokens (list prices; settings may override). */
  inputPerMTok: number;
  outputPerMTok: number;
  contextWindow: number;
}

/** Known model families, matched by id prefix (dated ids like `claude-sonnet-4-5-20250929` match too). */
const KNOWN: ReadonlyArray<[prefix: string, info: ModelInfo]> = [
  ['claude-opus-4-5', { inputPerMTok: 5, outputPerMTok: 25, contextWindow: 200_000 }],
  ['claude-opus-4', { inputPerMTok: 15, outputPerMTok: 75, contextWindow: 200_000 }],
  ['claude-sonnet-4', { inputPerMTok: 3, outputPerMTok: 15, contextWindow: 200_000 }],
  ['claude-haiku-4', { inputPerMTok: 1, outputPerMTok: 5, contextWindow: 200_000 }],
  ['claude-3-7-sonnet', { inputPerMTok: 3, outputPerMTok: 15, contextWindow: 200_000 }],
  ['claude-3-5-haiku', { inputPerMTok: 0.8, outputPerMTok: 4, contextWindow: 200_000 }],
];

/** Cache writes cost 1.25x input, cache reads 0.1x input (5-minute ephemeral cache). */
const CACHE_WRITE_FACTOR = 1.25;
const CACHE_READ_FACTOR = 0.1;

export function modelInfo(model: string, overrides: Record<string, ModelInfo> = {}): ModelInfo | undefined {
  if (overrides[model]) return overrides[model];
  return KNOWN.find(([prefix]) => model.startsWith(prefix))?.[1];
}

/** Cost of one response in USD; 0 for a model whose price is unknown (the usage is still journaled). */
export function costOf(model: string, usage: Usage, overrides?: Record<string, ModelInfo>): number {
  const info = modelInfo(model, overrides);
  if (!info) return 0;
  const input = usage.input + usage.cacheWrite * CACHE_WRITE_FACTOR + usage.cacheRead * CACHE_READ_FACTOR;
  return (input * info.inputPerMTok + usage.output * info.outputPerMTok) / 1_000_000;
}
