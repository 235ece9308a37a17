import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMessage, hashMessage } from '../../../src/core/runner/sessionJournal';
import { type DiskCheckpointStore, openCheckpointStore } from '../../../src/core/store/openStore';
import type { NewEvent, SessionId } from '../../../src/core/store/types';
import { type FeedMessage, TimelineFeed } from '../../../src/core/runner/timelineFeed';

const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };
const message = { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Reading it.' }] };

/** The events of one step that reads a file: its turn, the call, its result, the results sent back. */
export function readStep(step: number): NewEvent[] {
  const callId = `r${step}`;
  return [
    { step, type: 'model_turn', data: { turn: step, message: hashMessage(message), calls: [{ id: callId, name: 'read_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] } },
    { step, type: 'tool_planned', data: { callId, name: 'read_file', category: 'read', input: { path: `f${step}.ts` } } },
    { step, type: 'tool_started', data: { callId } },
    { step, type: 'tool_result', data: { callId, name: 'read_file', key: `k${step}`, isError: false, content: `contents of f${step}.ts`, progressed: true } },
    { step, type: 'message_added', data: { role: 'user', message: hashMessage(message), reason: 'tool_results' } },
  ];
}

/**
 * The sidebar's timeline feed over a real LevelDB store on disk, with what it posts recorded.
 * The feed's only link to the editor is the store host's `get()`, given here by the store itself.
 */
export class FeedHarness {
  readonly posted: FeedMessage[] = [];
  readonly warnings: string[] = [];
  readonly feed: TimelineFeed;
  private constructor(readonly store: DiskCheckpointStore) {
    this.feed = new TimelineFeed({ get: async () => ({ store }) }, () => ({ dispose: () => undefined }), (m) => this.posted.push(m), { warn: (m) => this.warnings.push(m) });
  }

  static async open(): Promise<FeedHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'savepoint-feed-store-'));
    const h = new FeedHarness(await openCheckpointStore({ dir, onLocked: 'fail' }));
    h.dirs.push(dir);
    return h;
  }

  private readonly dirs: string[] = [];

  /** A completed session of `steps` steps that each read a file, committed 100 steps at a time. */
  async session(steps: number, title = 'long session'): Promise<SessionId> {
    const s = await this.store.createSession({ title, status: 'completed' });
    let head = 0;
    const first: NewEvent = { step: 0, type: 'session_started', data: { task: title, system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: hashMessage(message) } };
    for (let from = 1; from <= steps || head === 0; from += 100) {
      const events = [...(head === 0 ? [first] : []), ...Array.from({ length: Math.max(0, Math.min(100, steps - from + 1)) }, (_, i) => readStep(from + i)).flat()];
      head = (await this.store.commit({ sessionId: s.id, expectedHeadSeq: head, events, blobs: head === 0 ? [{ content: encodeMessage(message) }] : [], snapshot: () => ({}) })).headSeq;
    }
    return s.id;
  }

  async close(): Promise<void> {
    this.feed.dispose();
    await this.store.close();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
