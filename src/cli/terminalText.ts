/**
 * Stored text as the CLI prints it. A session's title is the user's task, and the CLI prints the
 * model's words, tool inputs, command output, file names and memories: any of them can hold an ESC
 * sequence that clears the screen or sets the window title, a carriage return or backspace that
 * writes over what came before, or a reordering (bidi) or invisible character. Every such character
 * is shown by its code (`\u{1B}`, as approvals and memories already show them); newline and tab stay
 * (a carriage return only before a newline), and ordinary Unicode, the joiners of emoji and of
 * Indic and Persian script among it, is printed as it is.
 */

/** C0 but tab and newline, DEL, C1, bidi controls and invisible characters (not the zero-width joiner and non-joiner). */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|\r(?!\n)/g;

const code = (c: string): string => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;

/** `text` safe for a terminal: several lines stay several lines. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, code);
}

/** `text` safe for a terminal, on one line: a line break shows as ⏎ (a title in a list stays one row). */
export function terminalLine(text: string): string {
  return terminalText(text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ⏎ '));
}

/** The CLI's output on stdout, made safe. */
export function out(text: string): void {
  process.stdout.write(terminalText(text));
}

/** The CLI's messages on stderr, made safe. */
export function err(text: string): void {
  process.stderr.write(terminalText(text));
}

/** Characters JSON.stringify leaves raw that a terminal acts on or hides (DEL, C1 such as CSI, bidi, line separators). */
const JSON_UNSAFE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * `value` as one line of JSON that a terminal shows inert and a parser reads back exactly:
 * JSON.stringify escapes C0 control characters, and the others are written as `\uXXXX` escapes.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
