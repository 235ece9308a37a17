/** Conversation shapes, in the Anthropic Messages API form, as plain JSON the journal can keep. */

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

export interface Message {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** `model_context_window_exceeded`: the answer filled what was left of the context window: cut like max_tokens. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** Stop reasons that end an answer before the model finished it (its last block is incomplete). */
export const isCut = (r: StopReason): boolean => r === 'max_tokens' || r === 'model_context_window_exceeded';

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}
