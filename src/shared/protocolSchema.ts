import { z } from 'zod';
import { SESSION_COMMANDS, STEP_COMMANDS, WEBVIEW_COMMANDS, type WebviewMessage } from './protocol';

/**
 * The webview is untrusted input to the host: every message is checked before anything runs. The
 * schema is made at the first message: built at load, it was part of the extension's start-up.
 */
function messageSchema() {
  const sessionId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
  /** A workspace-relative path as the journal records it: it only selects a file of a step, never opens one by itself. */
  const relPath = z.string().min(1).max(1024).refine((p) => !p.includes('\0') && !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'));

  /** A tool call's id as the model gave it: it only selects a change among a step's, never runs anything. */
  const callId = z.string().regex(/^[0-9A-Za-z_:.-]{1,128}$/);

  const commandParams = z
    .object({ command: z.enum(WEBVIEW_COMMANDS), sessionId: sessionId.optional(), step: z.number().int().min(0).max(1_000_000).optional(), path: relPath.optional(), callId: callId.optional() })
    .strict()
    .refine((p) => p.sessionId === undefined || SESSION_COMMANDS.includes(p.command), { message: 'a session goes with a command that takes one' })
    .refine((p) => (p.step === undefined && p.path === undefined) || (STEP_COMMANDS.includes(p.command) && p.sessionId !== undefined), { message: 'step and path go with a session and a step command' })
    .refine((p) => p.path === undefined || ((p.command === 'openStepDiff' || p.command === 'showStepSymbols') && p.step !== undefined), { message: 'a path goes with openStepDiff or showStepSymbols at a step' })
    .refine((p) => p.callId === undefined || (p.command === 'openStepDiff' && p.path !== undefined) || (p.command === 'showCall' && p.sessionId !== undefined), { message: 'a call goes with openStepDiff of a path, or showCall of a session' })
    .refine((p) => p.command !== 'showCall' || p.callId !== undefined, { message: 'showCall needs a call' });

  return z.discriminatedUnion('method', [
    z.object({ method: z.literal('ready'), params: z.object({ sessionId: sessionId.optional() }).strict().optional() }).strict(),
    z.object({ method: z.literal('command/run'), params: commandParams }).strict(),
    z.object({ method: z.literal('session/open'), params: z.object({ sessionId }).strict() }).strict(),
    z.object({ method: z.literal('session/close') }).strict(),
    z.object({ method: z.literal('timeline/earlier'), params: z.object({ sessionId, before: z.number().int().min(0) }).strict() }).strict(),
    z.object({ method: z.literal('timeline/step'), params: z.object({ sessionId, step: z.number().int().min(0) }).strict() }).strict(),
    z.object({ method: z.literal('timeline/later'), params: z.object({ sessionId, after: z.number().int().min(0) }).strict() }).strict(),
  ]);
}
let webviewMessage: ReturnType<typeof messageSchema> | undefined;
type Checked = z.infer<ReturnType<typeof messageSchema>>;

// Keeps the schema and the protocol's type in step: a difference is a compile error.
const _sameShape: (m: Checked) => WebviewMessage = (m) => m;
const _sameShapeBack: (m: WebviewMessage) => Checked = (m) => m;
void _sameShape;
void _sameShapeBack;

/** The message, or undefined when it is not one the host understands (it is then logged and dropped). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  const r = (webviewMessage ??= messageSchema()).safeParse(raw);
  return r.success ? r.data : undefined;
}
