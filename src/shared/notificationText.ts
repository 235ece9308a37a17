/**
 * `text` as a VS Code notification shows it, with no link in it. A notification's message turns
 * `[label](https://…)`, `[label](file:…)` and `[label](command:id?args)` into links, and opens them on
 * a click with commands allowed: a model's command, a file's name or a server's error that holds
 * one would show only its label (hiding what is run) and run any command with any arguments. A
 * zero-width space between `]` and `(` breaks every such link and changes nothing the user reads.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}

/** Characters that change how text reads without showing themselves: control characters, bidi controls ("Trojan Source"), zero-width and other invisible ones. */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const SPACES = /[ \t\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/**
 * A model's input (a command, a path) as an approval shows it, so that what the user approves is
 * what runs. A notification shows the first 1000 characters of its message, line breaks as spaces
 * and a run of spaces as one: a command padded with spaces hid its end behind "...", and one on two
 * lines read as one command. Here line breaks show as ⏎, invisible and reordering characters by
 * their code, runs of spaces as one; an input still longer than `max` keeps its beginning and its
 * end and says how much of its middle is not shown, and `hint`: where to read all of it.
 */
export function shownInput(text: string, max = 600, hint = 'Edit shows the whole input'): string {
  const visible = [
    ...text
      .replace(/\r\n|\r|\n/g, ' ⏎ ')
      .replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`)
      .replace(SPACES, ' '),
  ];
  if (visible.length <= max) return visible.join('');
  const head = Math.ceil(max * 0.6);
  const tail = max - head;
  return `${visible.slice(0, head).join('')} … [${visible.length - head - tail} characters not shown: ${hint}] … ${visible.slice(-tail).join('')}`;
}

/**
 * Lines of someone else's text (a diff of what the model wrote) as a terminal shows them: control
 * characters that would move the cursor, erase lines or recolour the screen (ESC sequences, a lone
 * carriage return, BEL) and invisible or reordering ones are shown by their code, as `shownInput` does.
 * Line breaks, tabs and the joiners (`JOINERS`) stay.
 */
export function shownLines(text: string): string {
  return text.replace(/\r(?!\n)/g, '\\u{D}').replace(INVISIBLE, (c) => (JOINERS.includes(c) ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`));
}

/**
 * The zero-width joiner and non-joiner, which text (a model's words, a file's lines) keeps as written:
 * they join an emoji sequence (a family, a flag with a sign) and shape Indic and Persian script. A
 * command or path in an approval (`shownInput`) still shows them by their code.
 */
const JOINERS = ['\u200c', '\u200d'];

/** The policy's plain "this kind of tool asks first": the question itself says as much. */
const ROUTINE_REASON = /tools ask first \(approval policy\)$/;

/**
 * Why a question is asked, for its notification's message (VS Code shows a notification's detail in
 * modal boxes only): a destructive command, an always-ask pattern, a path outside the workspace, the
 * lines changed outside the session, the budget or the loop. '' when there is nothing to add (the
 * routine policy reason; a command to run again, whose question says it all).
 */
export function askedBecause(kind: string, reasons: readonly string[]): string {
  if (kind === 'command_rerun') return '';
  const said = reasons.filter((r) => !ROUTINE_REASON.test(r));
  return said.length ? ` Asked because: ${shownInput(said.join('; '), 500, 'the session timeline shows them all')}.` : '';
}


/**
 * A session's title where a notification names the session a question comes from (several can wait
 * at once): on one line, invisible characters by their code, cut to `max` characters with an ellipsis.
 */
export function shownTitle(title: string, max = 60): string {
  const one = shownInput(title.trim(), Number.MAX_SAFE_INTEGER);
  const chars = [...one];
  return chars.length <= max ? one : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
