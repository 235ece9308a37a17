import type { SecretMask } from '../secrets/secretMask';
import { type FileChange, ToolError, type ToolOutput } from '../tools/tool';

/** `out` with the secret values of the environment masked in what the model gets and the store keeps (its text and its whole output). */
export function maskedOutput(out: ToolOutput, mask: SecretMask | undefined): ToolOutput {
  if (!mask || mask.empty) return out;
  const content = mask.maskText(out.content);
  const full = out.full && mask.maskBytes(out.full);
  return content === out.content && full === out.full ? out : { ...out, content, ...(full ? { full } : {}) };
}

function occurrences(bytes: Uint8Array | null, marker: Buffer): number {
  if (!bytes) return 0;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let at = b.indexOf(marker); at !== -1; at = b.indexOf(marker, at + marker.length)) n++;
  return n;
}

const refusal = (marker: string, why: string): ToolError =>
  new ToolError('INVALID_INPUT', `${marker} stands for a secret value, shown to you masked: ${why}. Edit around it: leave the lines that hold it out of old_text and new_text (edit_file) rather than writing the file whole.`);

/**
 * The changes `plan` makes, unless one would write a secret's marker into a file that did not hold
 * it there: the model saw the file masked, and its edit would put the marker in place of the user's
 * value. An edit whose old text has a marker finds nothing to replace: it is told why. Refused with
 * a ToolError the model can act on (leave those lines out of the edit).
 */
export async function plannedWithoutMarkers(plan: () => Promise<FileChange[]>, input: unknown, mask: SecretMask | undefined): Promise<FileChange[]> {
  if (!mask || mask.empty) return plan();
  const markers = mask.markers();
  let changes: FileChange[];
  try {
    changes = await plan();
  } catch (e) {
    const text = JSON.stringify(input) ?? '';
    const marker = markers.find((m) => text.includes(m));
    const path = typeof (input as { path?: unknown } | null)?.path === 'string' ? (input as { path: string }).path : 'the file';
    if (ToolError.is(e) && marker) throw refusal(marker, `${path} holds the value, not the marker, so old_text is not found in it`);
    throw e;
  }
  for (const c of changes) {
    for (const marker of markers) {
      const m = Buffer.from(marker, 'utf8');
      if (occurrences(c.after, m) > occurrences(c.before, m)) throw refusal(marker, `this change would write the marker into ${c.path} in place of the value`);
    }
  }
  return changes;
}
