import { DEFAULT_MAX_DIFF_CHARS, DEFAULT_MAX_NOTE_CHARS, boundedDiff } from '../checkpoints/fileContents';
import { count } from '../util/plural';

/** A file an approved edit was merged into: the version the session last knew, and the disk before the merge. */
export interface MergedFile {
  path: string;
  base: Uint8Array | undefined;
  disk: Uint8Array;
}

/**
 * What the model is told after its edit was merged with changes made outside the session: which
 * files, and what those changes were (bounded diffs). Without the diff the model believes the file
 * holds its own version, and a later whole-file write from memory would undo the user's change.
 */
export function mergedNote(files: readonly MergedFile[], when: string): string {
  return outsideNote(
    files,
    `(merged with changes made outside the session ${when}: ${files.map((f) => f.path).join(', ')})\n` +
      `Each of these files now holds both your edit and the outside change below (from the version you last knew to the one found on disk); ` +
      `build on it, never write a file back from your memory of it.\n`,
    'more merged file',
  );
}

/**
 * An edit in flight at a crash that had reached the disk, where the file was changed after it
 * (`changedAfterEdit`): done, and what changed since (`base`: the edit's result).
 */
export function changedAfterEditNote(files: readonly MergedFile[]): string {
  return outsideNote(
    files,
    `(changed outside the session after the edit was written, before the crash's recovery: ${files.map((f) => f.path).join(', ')})\n` +
      `Your edit was made before the crash; each of these files holds it with the outside change below on top of it; ` +
      `build on it, never write a file back from your memory of it.\n`,
    'more changed file',
  );
}

function outsideNote(files: readonly MergedFile[], head: string, more: string): string {
  let text = head;
  let shown = 0;
  for (const f of files) {
    const diff = f.base ? boundedDiff(f.path, f.base, f.disk, DEFAULT_MAX_DIFF_CHARS) : `${f.path}: the version you last knew is no longer kept; read the file to see the outside change\n`;
    // Cut as a drift note is: each diff at DEFAULT_MAX_DIFF_CHARS, the whole at DEFAULT_MAX_NOTE_CHARS.
    if (shown > 0 && text.length + diff.length > DEFAULT_MAX_NOTE_CHARS) break;
    text += `\n${diff}`;
    shown++;
  }
  const left = files.length - shown;
  return left > 0 ? `${text}\n(${count(left, more)} not shown: read them before editing)` : text.trimEnd();
}
