import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { boundedDiff } from '../checkpoints/fileContents';
import type { Workspace } from '../ports/workspace';
import type { FileChange } from '../tools/tool';
import { workspaceCall } from '../tools/toolSupport';
import { filePath } from '../util/filePath';
import type { BlobInput } from '../store/types';
import type { PlannedMutation } from './runEvents';
import { hashBytes } from './sessionJournal';

/**
 * What the journal keeps of a tool's file changes: their hashes (the intent), their contents as
 * blobs (for resume and rewind), and the unified diff an approval shows.
 */

/** The default of `RunnerDeps.maxFileBytes` (the setting savepoint.checkpoints.maxFileSizeMB). */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

/** A file read by the model is kept as a blob up to this size (content-addressed: a version already stored costs nothing). */
export const SEEN_BLOB_MAX = 1024 * 1024;

/** The proposed diff of an approval is cut at this many characters. */
const MAX_DIFF_CHARS = 20_000;

export const hashOrNull = (b: Uint8Array | null | undefined): string | null => (b ? hashBytes(b) : null);

/**
 * A tool's changes, each file it writes named by its real path (`filePath`): through a symlink such
 * as CLAUDE.md -> AGENTS.md the session records AGENTS.md, the file a command's capture reports, so
 * the rewind and the drift check see one history per file. Deleting a symlink deletes the link, so a
 * deletion follows only the directories on its way (lib/x.ts -> src/lib/x.ts).
 */
export function byRealPath(ws: Workspace, changes: FileChange[]): Promise<FileChange[]> {
  return Promise.all(
    changes.map(async (c) => {
      const dir = posix.dirname(c.path);
      const real = c.after !== null ? await workspaceCall(() => filePath(ws, c.path)) : dir === '.' ? c.path : `${await workspaceCall(() => filePath(ws, dir))}/${posix.basename(c.path)}`;
      return real === c.path ? c : { ...c, path: real, via: c.path };
    }),
  );
}

export function toMutation(c: FileChange): PlannedMutation {
  return {
    path: c.path,
    beforeHash: hashOrNull(c.before),
    afterHash: hashOrNull(c.after),
    ...(c.beforeExec !== undefined ? { beforeExec: c.beforeExec } : {}),
    ...(c.beforeMode !== undefined ? { beforeMode: c.beforeMode } : {}),
    ...(c.beforeLink !== undefined ? { beforeLink: c.beforeLink } : {}),
  };
}

/**
 * Before and after contents go to the blob store (the after as a delta of the before), for resume
 * and rewind. The old contents of a file the call deletes are kept by hash only over `maxBytes`:
 * nothing replays them (a deletion in flight at a crash needs no contents), and keeping a large
 * file the agent deleted would cost its full size; a rewind reports it as not restorable.
 */
export function changeBlobs(changes: FileChange[], maxBytes: number): BlobInput[] {
  const out: BlobInput[] = [];
  for (const c of changes) {
    if (c.before && (c.after !== null || c.before.length <= maxBytes)) out.push({ content: c.before });
    if (c.after) out.push({ content: c.after, ...(c.before ? { deltaBase: hashBytes(c.before) } : {}) });
  }
  return out;
}

/** Files over this size are shown by hash and size in a proposed diff, never decoded. */
const MAX_DIFF_FILE_BYTES = 5 * 1024 * 1024;

const isBinary = (b: Uint8Array | null): boolean => b !== null && b.subarray(0, 8000).includes(0);

function describeBytes(b: Uint8Array | null): string {
  return b ? `${b.length} bytes, sha256 ${hashBytes(b).slice(0, 12)}` : 'absent';
}

export function unifiedDiff(changes: FileChange[]): string {
  const text = changes
    .map((c) => {
      const size = Math.max(c.before?.length ?? 0, c.after?.length ?? 0);
      if (isBinary(c.before) || isBinary(c.after) || size > MAX_DIFF_FILE_BYTES) {
        const why = size > MAX_DIFF_FILE_BYTES ? 'too large to show' : 'binary';
        return `${c.path} (${why}): ${describeBytes(c.before)} -> ${describeBytes(c.after)}\n`;
      }
      return boundedDiff(c.path, c.before ?? undefined, c.after ?? undefined, MAX_DIFF_CHARS);
    })
    .join('\n');
  return text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n... (diff cut at ${MAX_DIFF_CHARS} characters)` : text;
}

/**
 * Names the temporary files of a file tool's writes (`Workspace.writeFile`): the resume of a call a
 * crash cut short removes those its staging left beside the files (`Workspace.removeStaged`).
 */
export const editStagingTag = (sessionId: string, callId: string): string => createHash('sha256').update(`edit:${sessionId}:${callId}`).digest('hex').slice(0, 16);
