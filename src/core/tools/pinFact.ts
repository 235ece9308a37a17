import { z } from 'zod';
import type { Tool, ToolOutput } from './tool';
import { jsonInputSchema } from './toolSupport';

const schema = z.strictObject({
  fact: z.string().trim().min(1).max(1000).describe('The fact, in one or two sentences (a decision, a constraint, a name, a command that works).'),
});

export type PinFactInput = z.infer<typeof schema>;

/** Pins a fact for the rest of the session: it survives every compaction of the history, verbatim. */
export const pinFactTool: Tool<PinFactInput> = {
  name: 'pin_fact',
  description:
    'Pin a fact you must not forget for the rest of this session (a decision, a constraint the user gave, a command that builds the project). ' +
    'Pinned facts are sent with every request verbatim, even after older turns are summarized. Use it sparingly.',
  category: 'read',
  get inputSchema() {
    return jsonInputSchema(schema);
  },
  schema,
  async run(input): Promise<ToolOutput> {
    return { content: `Pinned: ${input.fact}`, pin: input.fact };
  },
};
