import type { ChangeCapture } from '../ports/changeCapture';
import type { Workspace } from '../ports/workspace';
import type { ToolOutput } from '../tools/tool';
import { editStagingTag } from './fileChanges';
import { hashBytes } from './sessionJournal';

/** A file a tool call writes (after) or deletes (after null), named by its real path (`via`: the path the tool was given). */
export interface FileWrite {
  path: string;
  after: Uint8Array | null;
  via?: string;
}

/**
 * Writes (or deletes) the files of a call, in order, staged under the call's tag so that a resume
 * can remove what a crash left (`Workspace.removeStaged`); the result lists what was done.
 */
export async function applyChanges(ws: Workspace, capture: ChangeCapture | undefined, sessionId: string, callId: string, changes: readonly FileWrite[]): Promise<ToolOutput> {
  const done: string[] = [];
  // Another session's command may be running, or begin meanwhile: its capture must not take these writes for its own.
  const release = capture?.holdWrites?.(changes.map((c) => ({ path: c.path, hash: c.after === null ? null : hashBytes(c.after) })));
  try {
    for (const c of changes) {
      if (c.after === null) await ws.deleteFile(c.path);
      else await ws.writeFile(c.path, c.after, { tag: editStagingTag(sessionId, callId) });
      done.push(`${c.after === null ? 'deleted' : 'wrote'} ${c.path}${c.via ? ` (the path given, ${c.via}, leads there through a symlink)` : ''}${c.after ? ` (${c.after.length} bytes)` : ''}`);
    }
  } finally {
    release?.(changes.slice(done.length).map((c) => c.path));
  }
  return { content: done.length ? done.join('\n') : 'no change was needed', progressed: true };
}
