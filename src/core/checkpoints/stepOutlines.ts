import { decodeOutline } from '../code/outlineRecord';
import type { Outline } from '../code/outlineTypes';
import type { OutlineRef, ToolResultData } from '../runner/runEvents';
import type { Outliner } from '../runner/stepEffects';
import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import { CheckpointError, readJournal, requireStep } from './checkpointEvents';
import { buildFileHistory } from './fileHistory';

/** The outline of one file version as a checkpoint keeps it. */
export interface StepOutline {
  /** The step whose result recorded it. */
  step: number;
  path: string;
  /** The blob hash of the file's contents it was read from. */
  file: BlobHash;
  outline: Outline;
  /**
   * No step recorded an outline of this version (the file as it was before the session first
   * changed it, or a version kept before outlines were): it was read now from its stored contents.
   */
  readNow?: true;
}

export interface StepOutlineOptions {
  /**
   * The outliner, asked for only when a version has no recorded outline: it is read from its stored
   * contents (`readNow`). Without it, such a version is refused.
   */
  outliner?: () => Promise<Outliner | undefined>;
}

/**
 * The AST snapshots of a session's checkpoints. Without `path`: the outline of every file version
 * step `step` left (files it changed, in a supported language). With `path`: the outline of that
 * file as it was at the end of `step`, recorded by that step or an earlier one, or (with an
 * outliner) read now from the stored version when no step recorded it, such as the file before
 * the session first changed it. Step 0 without `path`, with an outliner: every file the session
 * changed, as it was before. Reads only.
 * Throws CheckpointError INVALID when there is nothing to show, saying why.
 */
export async function stepOutlines(store: CheckpointStore, sessionId: SessionId, step: number, path?: string, o: StepOutlineOptions = {}): Promise<StepOutline[]> {
  const events = await readJournal(store, sessionId);
  requireStep(sessionId, step, events.at(-1)?.step ?? 0);
  const recorded: (OutlineRef & { step: number })[] = [];
  for (const e of events) {
    if (e.type !== 'tool_result') continue;
    for (const o of (e.data as ToolResultData).outlines ?? []) recorded.push({ ...o, step: e.step });
  }
  let refs: (OutlineRef & { step: number })[];
  const state = buildFileHistory(events).stateAfter(step);
  if (path === undefined && step === 0 && o.outliner) {
    // Before the session: every file it changed as it was then, read from the stored versions (files it created did not exist).
    const originals: StepOutline[] = [];
    const outliner = await o.outliner();
    for (const [p, hash] of state) {
      if (hash === null) continue;
      try {
        originals.push(await readNow(store, p, hash, 0, async () => outliner));
      } catch (e) {
        if (!CheckpointError.is(e, 'INVALID')) throw e;
      }
    }
    if (originals.length === 0) throw new CheckpointError('INVALID', 'no file the session changed was there before it in a supported language with its contents kept');
    return originals;
  }
  if (path === undefined) {
    // The versions the step left: per file its last call's (an earlier call's version was replaced), none for a file it deleted.
    const last = new Map(recorded.filter((r) => r.step === step).map((r) => [r.path, r]));
    if (last.size === 0) throw new CheckpointError('INVALID', `step ${step} recorded no outline: it changed no file in a supported language`);
    refs = [...last.values()].filter((r) => state.get(r.path) === r.file);
    if (refs.length === 0) throw new CheckpointError('INVALID', `the files step ${step} outlined do not exist at its end (deleted or replaced within the step)`);
  } else {
    const hash = state.get(path);
    if (hash === undefined) throw new CheckpointError('INVALID', `the session never changed ${path}`);
    if (hash === null) throw new CheckpointError('INVALID', `${path} did not exist at the end of step ${step}`);
    // The same contents have the same outline, whichever step recorded it: the latest at or before `step` is shown.
    const found = recorded.filter((r) => r.path === path && r.file === hash && r.step <= step).pop() ?? recorded.find((r) => r.path === path && r.file === hash);
    if (!found) return [await readNow(store, path, hash, step, o.outliner)];
    refs = [found];
  }
  let blobs: Uint8Array[];
  try {
    blobs = await store.getBlobs(refs.map((r) => r.outline));
  } catch (e) {
    throw new CheckpointError('DAMAGED', `an outline of step ${step} is missing from the store: ${e instanceof Error ? e.message : String(e)}`);
  }
  return refs.map((r, i) => {
    try {
      return { step: r.step, path: r.path, file: r.file as BlobHash, outline: decodeOutline(blobs[i] as Uint8Array) };
    } catch (e) {
      throw new CheckpointError('DAMAGED', `the outline of ${r.path} at step ${r.step}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** A version no step outlined, read from its stored contents; INVALID with the reason when it cannot be. */
async function readNow(store: CheckpointStore, path: string, hash: BlobHash, step: number, load: StepOutlineOptions['outliner']): Promise<StepOutline> {
  const none = `no outline of ${path} as it was at the end of step ${step}`;
  const outliner = await load?.();
  if (!outliner) throw new CheckpointError('INVALID', `${none}: no step recorded one, and no outliner is at hand to read it`);
  if (outliner.supports && !outliner.supports(path)) throw new CheckpointError('INVALID', `${none}: its language is not supported`);
  if (!(await store.hasBlob(hash))) throw new CheckpointError('INVALID', `${none}: that version was kept by hash only (binary, too large, or its earlier contents were not at hand)`);
  let bytes: Uint8Array;
  try {
    bytes = await store.getBlob(hash);
  } catch (e) {
    throw new CheckpointError('DAMAGED', `the contents of ${path} at step ${step} are missing from the store: ${e instanceof Error ? e.message : String(e)}`);
  }
  await outliner.ready?.();
  const outline = outliner.outline(path, new TextDecoder().decode(bytes));
  if (outline.language == null) throw new CheckpointError('INVALID', `${none}: its language is not supported, or its grammar did not load`);
  return { step, path, file: hash, outline, readNow: true };
}

/** An outline as text: one symbol per line, members indented under their container, with lines and hash. */
export function formatOutline(o: StepOutline): string {
  const { outline } = o;
  const head = `## step ${o.step} · ${o.path} (${outline.language ?? 'unknown language'}, ${outline.symbols.length} symbol${outline.symbols.length === 1 ? '' : 's'}${outline.hasSyntaxErrors ? ', with syntax errors: best effort' : ''}${o.readNow ? '; read now from the stored version, no step recorded its outline' : ''})`;
  if (outline.parseError !== undefined) return `${head}\n  not parsed: ${outline.parseError}\n`;
  if (outline.skipped !== undefined) return `${head}\n  not parsed: too large\n`;
  const open: { end: number }[] = [];
  const lines = outline.symbols.map((s) => {
    while (open.length && (open[open.length - 1] as { end: number }).end < s.startLine) open.pop();
    const depth = open.length;
    open.push({ end: s.endLine });
    return `${'  '.repeat(depth + 1)}${s.kind} ${s.name}  lines ${s.startLine}-${s.endLine}  ${s.hash}`;
  });
  return `${head}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}
