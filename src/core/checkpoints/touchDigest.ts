import type { MessageAddedData, PlannedMutation, SideEffect, ToolResultData, ToolStartedData } from '../runner/runEvents';
import type { EventDigest } from '../store/types';
import type { RewindData, RewindUndoneData } from './checkpointEvents';

/**
 * The part of each journal event that the file history reads (fileHistory.ts), kept by the store
 * beside the event in the same atomic batch. A rewind, its undo and the drift check then read a few
 * hundred small records instead of decoding the whole conversation: in W1 the journal of 200 steps
 * is 1,003 events and ~0.8 MB, its digests ~300 records and ~25 KB.
 *
 * A digest is the event's own data with only the fields `buildFileHistory` and `planUndo` use, so
 * the same code reads either. Bump `version` whenever a field that existing events may carry is
 * added here: the store then treats every existing session as undigested and its readers fall back
 * to the journal. A field new to the events themselves (the exec bits) needs no bump: no older event
 * has it, in its digest or in the journal.
 */
export const TOUCH_DIGEST: EventDigest = {
  version: 'touch-2',
  of(type: string, data: unknown): unknown {
    // An event another writer committed in its own format (no data, or not an object) touches no file.
    if (!data || typeof data !== 'object') return type === 'rewind_settled' ? data : undefined;
    switch (type) {
      case 'tool_started': {
        const d = data as ToolStartedData;
        return d.mutations?.length ? { callId: d.callId, mutations: d.mutations.map(mutation) } : undefined;
      }
      case 'tool_result': {
        const d = data as ToolResultData;
        return {
          callId: d.callId,
          isError: d.isError,
          ...(d.recovered !== undefined ? { recovered: d.recovered } : {}),
          ...(d.merged?.length ? { merged: d.merged.map(mutation) } : {}),
          ...(d.sideEffects?.length ? { sideEffects: d.sideEffects.map(sideEffect) } : {}),
          ...(d.seen?.length ? { seen: d.seen.map((f) => ({ path: f.path, hash: f.hash })) } : {}),
        };
      }
      case 'rewind': {
        const d = data as RewindData;
        return { rewindId: d.rewindId, targetStep: d.targetStep, files: d.files, ...(d.madeDirs?.length ? { madeDirs: d.madeDirs } : {}), ...(d.memoryReverts?.length ? { memoryReverts: d.memoryReverts } : {}), ...(d.tag ? { tag: d.tag } : {}) };
      }
      case 'rewind_undone': {
        const d = data as RewindUndoneData;
        // memoryReverts even when empty (an undo that held them all back): without the field, an undo re-applied all of them.
        return { rewindId: d.rewindId, ...(d.part ? { part: d.part } : {}), files: d.files, ...(d.already?.length ? { already: d.already } : {}), ...(d.memoryReverts !== undefined ? { memoryReverts: d.memoryReverts } : {}), ...(d.tag ? { tag: d.tag } : {}) };
      }
      case 'message_added': {
        // What a drift note told the model (the drift check's own starting point next time).
        const d = data as MessageAddedData;
        return d.seen?.length ? { reason: d.reason, seen: d.seen } : undefined;
      }
      case 'rewind_settled':
        return data;
      default:
        return undefined;
    }
  },
};

const mutation = (m: PlannedMutation) => ({
  path: m.path,
  beforeHash: m.beforeHash,
  afterHash: m.afterHash,
  ...(m.beforeExec !== undefined ? { beforeExec: m.beforeExec } : {}),
  ...(m.beforeMode !== undefined ? { beforeMode: m.beforeMode } : {}),
  ...(m.beforeLink !== undefined ? { beforeLink: m.beforeLink } : {}),
});

const sideEffect = (c: SideEffect) => ({
  path: c.path,
  kind: c.kind,
  ...(c.from !== undefined ? { from: c.from } : {}),
  beforeHash: c.beforeHash,
  afterHash: c.afterHash,
  ...(c.beforeExec ? { beforeExec: true } : {}),
  ...(c.afterExec ? { afterExec: true } : {}),
  ...(c.beforeMode !== undefined ? { beforeMode: c.beforeMode } : {}),
  ...(c.modes ? { modes: true } : {}),
  ...(c.beforeLink !== undefined ? { beforeLink: c.beforeLink } : {}),
  ...(c.afterLink !== undefined ? { afterLink: c.afterLink } : {}),
  ...(c.uncertain ? { uncertain: true } : {}),
});
