import { z } from 'zod';
import { StoreError } from '../store/errors';
import { ToolError, type Tool, type ToolContext, type ToolOutput } from '../tools/tool';
import { jsonInputSchema } from '../tools/toolSupport';
import type { MemoryPort } from './memoryPort';
import { MAX_MEMORY_TAGS, MAX_MEMORY_TEXT, MemoryError, type MemoryId, type MemoryKind, type MemoryScope } from './memoryTypes';
import { renderForPrompt } from './promptSelection';

/**
 * The tool context with long-term memory. The runner sets `memory` per call, bound to the session,
 * the call's journal position and its call id (`LongTermMemory.port({sessionId, seq, step, opKey: callId})`).
 */
export interface MemoryToolContext extends ToolContext {
  memory?: MemoryPort;
}

function portOf(ctx: ToolContext): MemoryPort {
  const port = (ctx as MemoryToolContext).memory;
  if (!port) throw new ToolError('FAILED', 'Long-term memory is not available in this session.');
  return port;
}

/** MemoryErrors and a read-only store are for the model to act on; anything else stops the step. */
async function memoryCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (MemoryError.is(e, 'NOT_FOUND')) throw new ToolError('NOT_FOUND', `${e.message}. Use recall to find the id.`);
    if (MemoryError.is(e)) throw new ToolError('INVALID_INPUT', e.message);
    if (StoreError.is(e, 'READ_ONLY')) throw new ToolError('FAILED', 'Memory is read-only right now (another window holds the store); nothing was written.');
    throw e;
  }
}

const kind = z.enum(['fact', 'episode', 'procedure'] satisfies MemoryKind[]);
const scope = z.enum(['workspace', 'user'] satisfies MemoryScope[]);
const memoryId = z.string().regex(/^[0-9A-Z]{26}$/, 'a memory id (26 characters, as recall shows it in braces)');

const rememberSchema = z.strictObject({
  text: z.string().min(1).max(MAX_MEMORY_TEXT).optional().describe('What to remember: one self-contained fact, summary or procedure. Required for a new memory.'),
  kind: kind.optional().describe("fact: something true about the project or user; episode: what happened in a session; procedure: how to do something here (build, test, release). Required for a new memory."),
  tags: z.array(z.string().min(1).max(48)).max(MAX_MEMORY_TAGS).optional().describe('A few short keywords that help recall it (e.g. "build", "tests").'),
  pinned: z.boolean().optional().describe('Pinned memories are always in the prompt. Use sparingly.'),
  scope: scope.optional().describe("workspace (default): this project only; user: every project of this user (preferences)."),
  id: memoryId.optional().describe('Update this existing memory instead of creating one; only the given fields change (its scope stays, and a user-scope memory needs scope "user").'),
});
export type RememberToolInput = z.infer<typeof rememberSchema>;

export const rememberTool: Tool<RememberToolInput> = {
  name: 'remember',
  description:
    'Save something worth knowing in later sessions to long-term memory: a fact about this project, a procedure (how to build or test), ' +
    'or a user preference (scope "user"). Check with recall first and pass id to update an existing memory instead of adding a duplicate.',
  category: 'memory',
  get inputSchema() {
    return jsonInputSchema(rememberSchema);
  },
  schema: rememberSchema,
  async run(input, ctx): Promise<ToolOutput> {
    const port = portOf(ctx);
    const out = await memoryCall(() =>
      port.remember({
        ...(input.id !== undefined ? { id: input.id as MemoryId } : {}),
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
        ...(input.pinned !== undefined ? { pinned: input.pinned } : {}),
        ...(input.scope !== undefined ? { scope: input.scope } : {}),
      }),
    );
    const verb = out.updated ? 'Updated' : 'Remembered';
    return { content: `${verb} ${out.entry.id}:\n${renderForPrompt(out.entry)}`, progressed: !out.replayed };
  },
};

const recallSchema = z.strictObject({
  query: z.string().max(1000).describe('Words to look for (prefix and typo tolerant). Empty: the most recent memories.'),
  kind: kind.optional().describe('Only memories of this kind.'),
  tags: z.array(z.string().min(1).max(48)).max(MAX_MEMORY_TAGS).optional().describe('Only memories carrying all of these tags.'),
  limit: z.int().min(1).max(50).default(10).describe('At most this many. Default 10.'),
});
export type RecallToolInput = z.infer<typeof recallSchema>;

export const recallTool: Tool<RecallToolInput> = {
  name: 'recall',
  description: 'Search long-term memory (facts, procedures and summaries of earlier sessions, this project and the user). Returns the best matches with their ids.',
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(recallSchema);
  },
  schema: recallSchema,
  async run(input, ctx): Promise<ToolOutput> {
    const port = portOf(ctx);
    const hits = await memoryCall(() =>
      port.recall(input.query, {
        limit: input.limit,
        ...(input.kind !== undefined ? { kinds: [input.kind] } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
      }),
    );
    if (hits.length === 0) return { content: `No memory matches ${JSON.stringify(input.query)}.` };
    return { content: `${hits.length} ${hits.length === 1 ? 'memory' : 'memories'}:\n${hits.map((h) => renderForPrompt(h.entry)).join('')}` };
  },
};

const forgetSchema = z.strictObject({
  id: memoryId.describe('The id of the memory to forget (recall shows it in braces).'),
  scope: scope.optional().describe('Required ("user") to forget a memory of the user scope.'),
});
export type ForgetToolInput = z.infer<typeof forgetSchema>;

export const forgetTool: Tool<ForgetToolInput> = {
  name: 'forget',
  description: 'Remove a memory that is wrong or no longer true. The user can still restore it by rewinding the session.',
  category: 'memory',
  get inputSchema() {
    return jsonInputSchema(forgetSchema);
  },
  schema: forgetSchema,
  async run(input, ctx): Promise<ToolOutput> {
    const port = portOf(ctx);
    const gone = await memoryCall(() => port.forget(input.id as MemoryId, input.scope));
    return { content: `Forgot ${gone.id}:\n${renderForPrompt(gone)}`, progressed: true };
  },
};

/** The three memory tools, for the registry. */
export function memoryTools(): Tool[] {
  return [rememberTool, recallTool, forgetTool] as Tool[];
}
