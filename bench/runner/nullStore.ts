import { createHash } from 'node:crypto';
import type { CheckpointStore } from '../../src/core/store/checkpointStore';
import { pickPatch } from '../../src/core/store/summaryPatch';
import type { BlobHash, CommitResult, JournalEvent, NewSession, SessionId, SessionLoad, SessionSummary, StepCommit } from '../../src/core/store/types';

/**
 * "Journaling off" for the overhead measurement: the runner's store calls answered from memory,
 * with no encoding, no LevelDB and no disk. Only what the runner uses is implemented.
 */
export function nullStore(): CheckpointStore {
  const blobs = new Map<string, Uint8Array>();
  const sessions = new Map<string, SessionSummary>();
  const states = new Map<string, unknown>();
  const store = {
    async createSession(n: NewSession): Promise<SessionSummary> {
      const id = (n.id ?? `null-${sessions.size + 1}`) as SessionId;
      const s: SessionSummary = {
        id, title: n.title, status: n.status ?? 'running', createdAt: Date.now(), updatedAt: Date.now(), stepCount: 0, headSeq: 0, snapshotSeq: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0, pendingApproval: null, pinned: false, parent: null, sizeBytes: 0,
      };
      sessions.set(id, s);
      return s;
    },
    async getSession(id: SessionId) {
      return sessions.get(id);
    },
    async loadSession(id: SessionId): Promise<SessionLoad> {
      const summary = sessions.get(id) as SessionSummary;
      async function* none(): AsyncGenerator<JournalEvent> {}
      const state = states.get(id);
      const snapshot = state === undefined ? undefined : { seq: summary.headSeq, state, key: '', reason: 'latest', at: 0 };
      return { summary, snapshot, tail: none(), damage: () => undefined };
    },
    async commit(step: StepCommit): Promise<CommitResult> {
      const prev = sessions.get(step.sessionId) as SessionSummary;
      const hashes: BlobHash[] = [];
      for (const b of step.blobs ?? []) {
        const h = createHash('sha256').update(b.content).digest('hex');
        blobs.set(h, b.content);
        hashes.push(h as BlobHash);
      }
      const summary = { ...prev, ...pickPatch(step.summary), headSeq: prev.headSeq + step.events.length };
      sessions.set(step.sessionId, summary);
      // The runner's state object itself (no copy, no encoding): what a resume would start from.
      if (step.snapshot) states.set(step.sessionId, step.snapshot());
      return { headSeq: summary.headSeq, blobHashes: hashes, snapshotWritten: false, bytesWritten: 0, summary };
    },
    async getBlob(h: BlobHash) {
      const b = blobs.get(h);
      if (!b) throw new Error(`no blob ${h}`);
      return b;
    },
  };
  return store as unknown as CheckpointStore;
}
