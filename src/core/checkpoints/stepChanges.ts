import type { FileHistory, FileTouch } from './fileHistory';

/** One step that changed files: each call's change of each file, and the step's change of each file. */
export interface StepChanges {
  step: number;
  /** Every applied change of a file tool or a command in the step, in journal order (a file twice when two calls changed it). */
  calls: FileTouch[];
  /** One per path: what the whole step did to it (the first call's before, the last call's after). */
  files: FileTouch[];
}

/** The steps that changed files, newest first. Reads only the history. */
export function stepChanges(history: FileHistory): StepChanges[] {
  const bySteps = new Map<number, FileTouch[]>();
  for (const t of history.touches) if (t.outcome === 'applied' && (t.kind === 'tool' || t.kind === 'command')) bySteps.set(t.step, [...(bySteps.get(t.step) ?? []), t]);
  return [...bySteps.entries()].sort((a, b) => b[0] - a[0]).map(([step, calls]) => ({ step, calls: calls.sort((a, b) => a.seq - b.seq), files: netByPath(calls) }));
}

/** A path two calls of the step changed is one change: from what the first found to what the last left. */
function netByPath(calls: readonly FileTouch[]): FileTouch[] {
  const byPath = new Map<string, FileTouch>();
  for (const t of calls) {
    const first = byPath.get(t.path);
    if (!first) {
      byPath.set(t.path, t);
      continue;
    }
    const { beforeHash, beforeExec, beforeMode, beforeLink, movedFrom } = first;
    const { beforeExec: _e, beforeMode: _m, beforeLink: _l, movedFrom: _f, ...after } = t;
    byPath.set(t.path, { ...after, beforeHash, ...(beforeExec !== undefined ? { beforeExec } : {}), ...(beforeMode !== undefined ? { beforeMode } : {}), ...(beforeLink !== undefined ? { beforeLink } : {}), ...(movedFrom !== undefined ? { movedFrom } : {}) });
  }
  return [...byPath.values()];
}

/**
 * The change to show for `path` in a step: that call's own (the sidebar's row of a call names it),
 * else the step's (the palette names only the step).
 */
export function changeOf(s: StepChanges, path: string, callId?: string): FileTouch | undefined {
  return (callId !== undefined ? s.calls.find((t) => t.path === path && t.callId === callId) : undefined) ?? s.files.find((t) => t.path === path);
}

/**
 * Every checkpoint of the session, newest first, for a picker of where to rewind or fork: each step
 * up to the last, with its file changes (none for a step that only read, ran nothing that changed
 * a file, or ended the session), then the start, before any step. Reads only the history.
 */
export function stepChoices(history: FileHistory): StepChanges[] {
  const changed = new Map(stepChanges(history).map((s) => [s.step, s]));
  const out: StepChanges[] = [];
  for (let step = history.lastStep; step >= 0; step--) out.push(changed.get(step) ?? { step, calls: [], files: [] });
  return out;
}
