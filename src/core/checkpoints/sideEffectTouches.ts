import type { ToolResultData } from '../runner/runEvents';
import type { BlobHash, JournalEvent } from '../store/types';
import type { FileTouch } from './fileHistory';

/** The fields of a result's captured side effects this history reads (a command's file changes). */
interface CapturedChange {
  path: string;
  kind: 'created' | 'modified' | 'deleted' | 'renamed';
  /** 'renamed': the path before (the file moved from there to `path`, content unchanged). */
  from?: string;
  beforeHash: string | null;
  afterHash: string | null;
  beforeExec?: boolean;
  afterExec?: boolean;
  /** 'deleted' and 'renamed', and a file a link replaced: the permission bits the file had before. */
  beforeMode?: number;
  /** That side was a symlink with this text (never a rename: links are not paired). */
  beforeLink?: string;
  afterLink?: string;
  /** Found after a crash: maybe not the command's (see SideEffect.uncertain). */
  uncertain?: true;
}

/** The touches of a result's captured side effects: a command's file changes, a move as its two halves. */
export function sideEffectTouches(e: JournalEvent, d: ToolResultData & { sideEffects?: CapturedChange[] }): FileTouch[] {
  const touch = (path: string, before: string | null, after: string | null, beforeExec: boolean | undefined, afterExec: boolean | undefined): FileTouch => ({
    path,
    step: e.step,
    seq: e.seq,
    callId: d.callId,
    kind: 'command',
    beforeHash: before as BlobHash | null,
    afterHash: after as BlobHash | null,
    ...(beforeExec !== undefined ? { beforeExec } : {}),
    ...(afterExec !== undefined ? { afterExec } : {}),
    // The capture saw the disk change: it happened, whatever the call's own outcome.
    outcome: 'applied',
  });
  return (d.sideEffects ?? []).flatMap((c) => {
    // A record says "no execute bit" only when it carries the bits (`modes`); an older one knows only those it names.
    const bit = (x: true | undefined): boolean | undefined => (x ? true : c.modes ? false : undefined);
    const [bx, ax] = [bit(c.beforeExec), bit(c.afterExec)];
    const mode = c.beforeMode !== undefined ? { beforeMode: c.beforeMode } : {};
    const links = { ...(c.beforeLink !== undefined ? { beforeLink: c.beforeLink } : {}), ...(c.afterLink !== undefined ? { afterLink: c.afterLink } : {}) };
    const maybe = c.uncertain ? { uncertain: true as const } : {};
    if (c.kind !== 'renamed' || c.from === undefined) return [{ ...touch(c.path, c.beforeHash, c.afterHash, bx, ax), ...(c.afterHash === null || c.afterLink !== undefined ? mode : {}), ...links, ...maybe }];
    return [
      { ...touch(c.from, c.beforeHash, null, bx, false), ...mode, movedTo: c.path, ...maybe },
      { ...touch(c.path, null, c.afterHash, false, ax), movedFrom: c.from, ...maybe },
    ];
  });
}
