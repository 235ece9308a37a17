import type { BlobHash } from '../store/types';
import type { FileTouch, KnownState } from './fileHistory';

/**
 * What the session last knew of one path, from its touches in journal order (`FileHistory.lastState`):
 * the last applied version, the one a crash may have left instead (`inFlight`), and whether that
 * version is surely the session's own.
 */
export function lastStateOf(path: string, touches: readonly FileTouch[]): KnownState {
  const state: KnownState = { path, hash: touches[0]?.beforeHash ?? null };
  // Per rewind, the user's version it overwrote with their OK: its undo gives that back, and it stays the user's.
  const usersOverwritten = new Map<string, BlobHash | null>();
  for (const t of touches) {
    if (t.outcome === 'applied') {
      // A rewind's record is committed before its renames: after a crash between the two, the
      // file still holds what it held before. That counts as the session's own only if it was
      // already: a user's edit a rewind overwrote with their OK must be asked about again, and so must
      // a version found after a crash (`uncertain`: it may be the user's, made meanwhile).
      const wasOwn = (t.beforeHash === state.hash && !state.notOwn && !state.uncertain) || (state.inFlight !== undefined && t.beforeHash === state.inFlight);
      const rewound = (t.kind === 'rewind' || t.kind === 'undo') && t.beforeHash !== t.afterHash;
      if (t.kind === 'rewind' && rewound && !wasOwn) usersOverwritten.set(t.callId, t.beforeHash);
      state.hash = t.afterHash;
      delete state.inFlight;
      if (t.uncertain) state.uncertain = true;
      else delete state.uncertain;
      if (t.kind === 'undo' && usersOverwritten.has(t.callId) && usersOverwritten.get(t.callId) === t.afterHash) state.notOwn = true;
      else delete state.notOwn;
      if (rewound && wasOwn) state.inFlight = t.beforeHash;
    } else if (t.outcome === 'in_flight') state.inFlight = t.afterHash;
  }
  return state;
}
