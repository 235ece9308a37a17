import type { Outline } from '../code/outlineTypes';
import { describeDelta, symbolDelta } from '../code/symbolDelta';
import type { FileChangeSet } from '../ports/changeCapture';
import type { BlobHash, BlobInput } from '../store/types';
import type { SideEffect } from './runEvents';

/** What the runner needs of a symbol outliner (AstOutliner implements it). */
export interface Outliner {
  outline(path: string, text: string): Outline;
  /** An outliner that loads in the background: resolves once `outline` can answer (the runner waits before a step's symbols). */
  ready?(): Promise<void>;
}

export interface FileVersions {
  path: string;
  before: Uint8Array | null | undefined;
  after: Uint8Array | null | undefined;
}

const MAX_SYMBOL_LINES = 40;
const decoder = new TextDecoder();

/** The journal form of a capture: hashes per file, plus the contents known, as blobs. */
export function fromCapture(set: FileChangeSet): { effects: SideEffect[]; blobs: BlobInput[]; files: FileVersions[] } {
  const effects: SideEffect[] = [];
  const blobs: BlobInput[] = [];
  const files: FileVersions[] = [];
  for (const c of set.changes) {
    effects.push({
      path: c.path,
      kind: c.kind,
      ...(c.from ? { from: c.from } : {}),
      beforeHash: c.before?.hash ?? null,
      afterHash: c.after?.hash ?? null,
      ...(c.binary ? { binary: true } : {}),
      ...(c.tooLarge ? { tooLarge: true } : {}),
    });
    if (c.beforeBytes) blobs.push({ content: c.beforeBytes });
    if (c.afterBytes) blobs.push({ content: c.afterBytes, ...(c.beforeBytes && c.before ? { deltaBase: c.before.hash as BlobHash } : {}) });
    if (!c.binary) files.push({ path: c.path, before: c.beforeBytes, after: c.afterBytes });
  }
  return { effects, blobs, files };
}

/**
 * "changed function `parse` in src/a.ts" lines for the files a step changed. A file whose symbols
 * could not be read gets a line saying so instead (never fatal: the file stays recorded by its
 * hashes), and a file the step left with syntax errors says that its symbols are best effort.
 */
export function symbolLines(outliner: Outliner | undefined, files: readonly FileVersions[]): string[] {
  if (!outliner) return [];
  const lines: string[] = [];
  for (const f of files) {
    if (f.before === undefined || f.after === undefined) continue;
    try {
      const before = f.before ? outliner.outline(f.path, decoder.decode(f.before)) : null;
      const after = f.after ? outliner.outline(f.path, decoder.decode(f.after)) : null;
      if ((before ?? after)?.language == null) continue;
      const unread = [before, after].find((o) => o && (o.parseError !== undefined || o.skipped !== undefined));
      if (unread) lines.push(`symbols of ${f.path} not read: ${unread.skipped === 'tooLarge' ? 'too large to parse' : `parse failed (${unread.parseError})`}`);
      else {
        lines.push(...describeDelta(f.path, symbolDelta(before, after)));
        if (after?.hasSyntaxErrors && !before?.hasSyntaxErrors) lines.push(`${f.path} now has syntax errors: its symbols are read as far as the parser recovers`);
      }
    } catch (e) {
      lines.push(`symbols of ${f.path} not read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (lines.length >= MAX_SYMBOL_LINES) break;
  }
  return lines.slice(0, MAX_SYMBOL_LINES);
}

/** One line for the model: what a command changed besides its output. */
export function describeSideEffects(effects: readonly SideEffect[]): string {
  if (effects.length === 0) return '';
  const letter = { created: 'A', modified: 'M', deleted: 'D', renamed: 'R' } as const;
  const shown = effects.slice(0, 30).map((e) => `${letter[e.kind]} ${e.from ? `${e.from} -> ` : ''}${e.path}${e.binary ? ' (binary)' : ''}`);
  return `\n[files changed by the command: ${shown.join(', ')}${effects.length > 30 ? `, and ${effects.length - 30} more` : ''}]`;
}
