/** The tool's input in `text`: a JSON object, or why not (where the JSON breaks, as line and column). */
export function inputFrom(text: string): { input: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(message);
    if (!at) return { error: `it is not valid JSON (${message})` };
    const before = text.slice(0, Number(at[1])).split('\n');
    return { error: `it is not valid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (${message.replace(/ in JSON at position \d+.*$/, '')})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'it must be a JSON object ({ ... }) with the tool\'s fields, as the input shown was' };
  return { input: value as Record<string, unknown> };
}
