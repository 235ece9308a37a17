import type { RunResult } from '../ports/processRunner';

/**
 * A command's output as the model reads it, shown as a terminal would have: colour and cursor
 * escape sequences removed, a line redrawn with carriage returns (progress bars) shown as it was
 * left, other control characters dropped. Only what the model reads: the kept output stays as written.
 */
export function asTerminalShows(text: string): string {
  if (!/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) return text;
  return (
    text
      // CSI (colours, cursor moves), OSC (titles, links: ended by BEL or ST), and two-byte escapes.
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '')
      .split('\n')
      .map(lastRedraw)
      .join('\n')
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '')
  );
}

/** What is left of a line a carriage return went back over: the last drawing of it (a CRLF's CR is a line end). */
function lastRedraw(line: string): string {
  const body = line.replace(/\r+$/, '');
  const at = body.lastIndexOf('\r');
  return at === -1 ? body : body.slice(at + 1);
}

/**
 * All the output a run kept, in order: the first bytes and, when it ran past what is kept, a marker
 * saying how many bytes were not kept, then its last bytes.
 */
export function keptOutput(r: RunResult): Uint8Array {
  const tail = r.outputTail;
  if (!tail || tail.length === 0) return r.output;
  const dropped = r.outputBytes - r.output.length - tail.length;
  const marker = dropped > 0 ? new TextEncoder().encode(`\n[... ${dropped} bytes not kept ...]\n`) : new Uint8Array();
  const all = new Uint8Array(r.output.length + marker.length + tail.length);
  all.set(r.output, 0);
  all.set(marker, r.output.length);
  all.set(tail, r.output.length + marker.length);
  return all;
}
