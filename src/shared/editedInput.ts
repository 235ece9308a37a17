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

/** The one text of a call's input that Edit opens as a document of its own: what the user is likeliest to change, read as the file or script it is. */
export interface EditedText {
  field: string;
  text: string;
  /** What the document holds, for the prompt ("the new contents of src/a.ts"). */
  what: string;
  /** A name for the document whose extension gives its language (`a.ts`, `command.sh`). */
  name: string;
}

const baseName = (p: string): string => p.split(/[\\/]/).filter(Boolean).at(-1) ?? 'file';

/**
 * The text Edit opens for `tool`'s input: a file's new contents (write_file), the text an edit puts
 * in (edit_file), the command line (run_command). Undefined for other tools and for an input without
 * that field as a string: the whole input is edited as JSON then.
 */
export function editedText(tool: string | undefined, input: unknown): EditedText | undefined {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  const path = typeof fields.path === 'string' ? fields.path : undefined;
  if (tool === 'write_file' && path !== undefined && typeof fields.content === 'string') return { field: 'content', text: fields.content, what: `the new contents of ${path}`, name: baseName(path) };
  if (tool === 'edit_file' && path !== undefined && typeof fields.new_text === 'string') return { field: 'new_text', text: fields.new_text, what: `the text the edit puts in ${path} (in place of the text it replaces)`, name: baseName(path) };
  if (tool === 'run_command' && typeof fields.command === 'string') return { field: 'command', text: fields.command, what: 'the command', name: 'command.sh' };
  return undefined;
}

/** The input with the document's text in `e.field`; a command's line breaks at its end dropped (an editor adds one). */
export function withEditedText(input: Record<string, unknown>, e: EditedText, text: string): Record<string, unknown> {
  return { ...input, [e.field]: e.field === 'command' ? text.replace(/(\r?\n)+$/, '') : text };
}
