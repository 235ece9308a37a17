import { z } from 'zod';
import { WEBVIEW_COMMANDS, type WebviewMessage } from './protocol';

/** The webview is untrusted input to the host: every message is checked before anything runs. */
const webviewMessage = z.discriminatedUnion('method', [
  z.object({ method: z.literal('ready') }).strict(),
  z.object({ method: z.literal('command/run'), params: z.object({ command: z.enum(WEBVIEW_COMMANDS), sessionId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional() }).strict() }).strict(),
]);

// Keeps the schema and the protocol's type in step: a difference is a compile error.
const _sameShape: (m: z.infer<typeof webviewMessage>) => WebviewMessage = (m) => m;
const _sameShapeBack: (m: WebviewMessage) => z.infer<typeof webviewMessage> = (m) => m;
void _sameShape;
void _sameShapeBack;

/** The message, or undefined when it is not one the host understands (it is then logged and dropped). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  const r = webviewMessage.safeParse(raw);
  return r.success ? r.data : undefined;
}
