import type { MemoryEntry, MemoryRevert, MemoryVersion } from './memoryTypes';
import { shownLines } from '../../shared/notificationText';
import { count } from '../util/plural';

/**
 * Plain-text views of long-term memory for the CLI (`savepoint memory list|show`). No colours, no
 * editor. A memory's text is the model's: its control characters (an escape sequence that clears
 * the screen, a lone carriage return that hides what came before it) are shown by their code.
 */

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function oneLine(text: string, max: number): string {
  const flat = shownLines(text.replace(/\s+/g, ' ').trim());
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1))}…`;
}

/** Stands for a line break in a one-line input box. */
export const LINE_BREAK_MARK = '⏎';

/**
 * A memory's text for a one-line input box (the editor's input box is an HTML text input, which
 * drops line breaks from its value): each line break shown as ⏎. `fromOneLine` takes it back.
 */
export function toOneLine(text: string): string {
  return text.replace(/\r?\n/g, ` ${LINE_BREAK_MARK} `);
}

/** The text the user typed in a one-line input box, with its ⏎ marks turned back into line breaks. */
export function fromOneLine(value: string): string {
  return value.replace(new RegExp(` ?${LINE_BREAK_MARK} ?`, 'g'), '\n').trim();
}

/** One line per entry: id, scope, kind, pin, last update, text (cut to fit `width`), tags. */
export function formatMemoryList(entries: readonly MemoryEntry[], width = 100): string {
  if (entries.length === 0) return 'No memories.\n';
  const rows = entries.map((e) => {
    const head = `${e.id}  ${e.scope.padEnd(9)} ${e.kind.padEnd(9)} ${e.pinned ? '*' : ' '} ${iso(e.updatedAt)}  `;
    const tags = e.tags.length ? `  [${e.tags.join(', ')}]` : '';
    return head + oneLine(e.text, Math.max(20, width - head.length - tags.length)) + tags;
  });
  const header = `${'ID'.padEnd(26)}  ${'SCOPE'.padEnd(9)} ${'KIND'.padEnd(9)} P ${'UPDATED (UTC)'.padEnd(19)}  TEXT`;
  return `${header}\n${rows.join('\n')}\n${entries.length} ${entries.length === 1 ? 'memory' : 'memories'}\n`;
}

/** One entry in full, with its version history (oldest first; undone versions marked). */
export function formatMemoryShow(entry: MemoryEntry | undefined, history: readonly MemoryVersion[]): string {
  const last = history[history.length - 1];
  const id = entry?.id ?? last?.id;
  if (id === undefined) return 'No such memory.\n';
  const lines: string[] = [];
  if (entry) {
    lines.push(
      `id:        ${entry.id}`,
      `scope:     ${entry.scope}`,
      `kind:      ${entry.kind}${entry.pinned ? ' (pinned)' : ''}`,
      `tags:      ${entry.tags.join(', ') || '-'}`,
      `created:   ${iso(entry.createdAt)} by session ${entry.createdBy.sessionId} at event ${entry.createdBy.seq}`,
      `updated:   ${iso(entry.updatedAt)} by session ${entry.provenance.sessionId} at event ${entry.provenance.seq} (version ${entry.version})`,
      '',
      shownLines(entry.text),
    );
  } else {
    lines.push(`id:        ${id}`, 'state:     forgotten (or undone); its versions follow');
  }
  if (history.length) {
    lines.push('', 'history:');
    for (const v of history) {
      const undone = v.revertedBy !== undefined ? `  [undone by revert ${v.revertedBy}]` : '';
      const what = v.entry ? oneLine(v.entry.text, 60) : '(forgotten)';
      lines.push(`  v${v.version}  ${v.op.padEnd(6)} ${iso(v.at)}  ${v.provenance.sessionId}@${v.provenance.seq}  ${what}${undone}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The reverts made so far (rewinds of sessions that wrote memory). */
export function formatMemoryReverts(reverts: readonly MemoryRevert[]): string {
  if (reverts.length === 0) return 'No memory reverts.\n';
  return `${reverts
    .map((r) => {
      const range = r.throughSeq === undefined ? `after event ${r.afterSeq}` : `in events ${r.afterSeq + 1}-${r.throughSeq}`;
      const undone = r.undoneAt !== undefined ? `  (undone ${iso(r.undoneAt)})` : '';
      return `${r.revertId}  ${iso(r.at)}  ${r.scope.padEnd(9)} session ${r.sessionId} ${range}: ${count(r.versions.length, 'write')}${undone}`;
    })
    .join('\n')}\n`;
}
