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
