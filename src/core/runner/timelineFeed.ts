import type { HostNotifications, LiveTurn, TimelineSnapshot } from '../../shared/protocol';
import { TextCoalescer } from '../../shared/textCoalescer';
import { sortEntries, type TimelineEntry } from '../../shared/timeline';
import type { CheckpointStore } from '../store/checkpointStore';
import type { SessionId } from '../store/types';
import type { QueueNotice } from './checkTurns';
import { queueText } from './logLines';
import type { RunnerNotice } from './runner';
import { TimelineViewLoader } from './timelineViewLoader';

/** Where the feed finds the store (the extension's StoreHost): none while it is not open. */
export interface FeedStores {
  get(): Promise<{ store?: CheckpointStore | null | undefined }>;
}

/** The running sessions' notices, as an event (the extension's `vscode.Event`). */
export type FeedNotices = (listener: (n: RunnerNotice) => void) => { dispose(): void };

type Unsequenced<M extends keyof HostNotifications> = { method: M; params: Omit<HostNotifications[M], 'seq'> };
export type FeedMessage = Unsequenced<'timeline/snapshot'> | Unsequenced<'timeline/changed'> | Unsequenced<'timeline/stream'>;

/** Entries sent at once: a session's newest on open, then the earlier ones a page at a time on request. */
export const TIMELINE_PAGE = 200;

/** The last `TIMELINE_PAGE` of the (sorted) entries, and how many come before them. */
function lastPage<T>(sorted: readonly T[]): { entries: T[]; earlier: number } {
  const earlier = Math.max(0, sorted.length - TIMELINE_PAGE);
  return { entries: sorted.slice(earlier), earlier };
}

/** How often streamed model text goes to the webview, at most. */
export const STREAM_INTERVAL_MS = 50;

/**
 * The live timeline of the session open in the sidebar: journal changes as entry deltas, the
 * model's streamed text coalesced to one message per STREAM_INTERVAL_MS. Journal reads are
 * serialized, so deltas go out in journal order.
 */
export class TimelineFeed {
  /** The session shown (set at once on open, before its journal is read). */
  private shown: string | undefined;
  private loader: TimelineViewLoader | undefined;
  /** The turn under way of every running session, so a session opened mid-turn shows all of it. */
  private readonly lives = new Map<string, LiveTurn>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly coalescer = new TextCoalescer((b) => {
    if (this.shown && this.loader?.sessionId === this.shown) this.post({ method: 'timeline/stream', params: { sessionId: this.shown, ...b } });
  }, STREAM_INTERVAL_MS);
  private readonly sub: { dispose(): void };

  constructor(
    private readonly stores: FeedStores,
    notices: FeedNotices,
    private readonly post: (m: FeedMessage) => void,
    private readonly log: { warn(message: string): void },
  ) {
    this.sub = notices((n) => this.onNotice(n));
  }

  /**
   * Shows a session from scratch. Resolves with a builder to call right before posting: it takes
   * the live text as it is at that moment and drops the batch not yet sent (the snapshot has it).
   */
  open(id: string): Promise<(() => TimelineSnapshot) | null> {
    this.shown = id;
    this.coalescer.dispose();
    return this.serial(async () => {
      const { store } = await this.stores.get();
      if (this.shown !== id) return null;
      if (!store || !(await store.getSession(id as SessionId))) {
        this.loader = undefined;
        return null;
      }
      const loader = this.loader?.sessionId === id ? this.loader : new TimelineViewLoader(store, id as SessionId);
      await loader.catchUp();
      if (this.shown !== id) return null;
      this.loader = loader;
      return () => {
        this.coalescer.dispose();
        const live = this.lives.get(id);
        // A long session is sent a page at a time: the webview asks for earlier ones when the user wants them.
        return { sessionId: id, ...lastPage(sortEntries(loader.state.entries.values())), live: { text: live?.text ?? '', notes: [...(live?.notes ?? [])] } };
      };
    });
  }

  /** The page of the shown session's entries before the one whose order is `before` (null: not shown now). */
  earlier(id: string, before: number): Promise<{ entries: TimelineEntry[]; earlier: number } | null> {
    return this.serial(async () => {
      const sorted = this.sortedOf(id);
      return sorted ? lastPage(sorted.filter((e) => e.order < before)) : null;
    });
  }

  /**
   * The page of the shown session's entries that starts at step `step` (its first entry; the first
   * entry past it when the session has no such step), and how many come before and after it.
   */
  around(id: string, step: number): Promise<{ entries: TimelineEntry[]; earlier: number; later: number } | null> {
    return this.serial(async () => {
      const sorted = this.sortedOf(id);
      if (!sorted) return null;
      const at = sorted.findIndex((e) => e.step >= step);
      const start = at < 0 ? Math.max(0, sorted.length - TIMELINE_PAGE) : at;
      const entries = sorted.slice(start, start + TIMELINE_PAGE);
      return { entries, earlier: start, later: sorted.length - start - entries.length };
    });
  }

  /** The page of the shown session's entries after the one whose order is `after`, and how many are left after it. */
  later(id: string, after: number): Promise<{ entries: TimelineEntry[]; later: number } | null> {
    return this.serial(async () => {
      const rest = this.sortedOf(id)?.filter((e) => e.order > after);
      if (!rest) return null;
      return { entries: rest.slice(0, TIMELINE_PAGE), later: Math.max(0, rest.length - TIMELINE_PAGE) };
    });
  }

  /** The shown session's entries in order (undefined: `id` is not shown now). */
  private sortedOf(id: string): TimelineEntry[] | undefined {
    const loader = this.loader;
    if (!loader || loader.sessionId !== id || this.shown !== id) return undefined;
    return sortEntries(loader.state.entries.values());
  }

  close(): void {
    this.shown = undefined;
    this.loader = undefined;
    this.coalescer.dispose();
  }

  /**
   * Reads what was journaled since the last read and posts the entries that changed. A session
   * deleted meanwhile gets an empty timeline (the page says it no longer exists) and is no longer followed.
   */
  refresh(): Promise<void> {
    return this.serial(async () => {
      const loader = this.loader;
      if (!loader) return;
      const changed = await loader.catchUp();
      if (this.loader !== loader) return;
      if (changed.size === 0 && !(await this.exists(loader.sessionId))) {
        if (this.loader !== loader) return;
        this.close();
        this.lives.delete(loader.sessionId);
        this.post({ method: 'timeline/snapshot', params: { timeline: { sessionId: loader.sessionId, entries: [], earlier: 0, live: { text: '', notes: [] } } } });
        return;
      }
      if (changed.size === 0) return;
      const entries = sortEntries([...changed].flatMap((id) => loader.state.entries.get(id) ?? []));
      this.coalescer.flushNow();
      this.post({ method: 'timeline/changed', params: { sessionId: loader.sessionId, entries } });
    });
  }

  private async exists(id: string): Promise<boolean> {
    const { store } = await this.stores.get();
    return !!store && !!(await store.getSession(id as SessionId));
  }

  private onNotice(n: RunnerNotice): void {
    const shown = n.sessionId === this.shown;
    if (n.type === 'committed') {
      // A journaled turn replaces the text it was streamed from; a stop ends the turn under way.
      if (n.events.some((e) => e.type === 'model_turn' || e.type === 'status')) {
        this.lives.delete(n.sessionId);
        if (shown) this.coalescer.dispose();
      }
      if (shown) void this.refresh();
      return;
    }
    const live = this.lives.get(n.sessionId) ?? { text: '', notes: [] };
    this.lives.set(n.sessionId, live);
    if (n.type === 'queued') return void this.queued(n, live);
    const e = n.event;
    if (e.type === 'text') {
      live.text += e.delta;
      if (shown) this.coalescer.push(e.delta);
    } else if (e.type === 'retry') {
      const note = `Retrying ${e.model} in ${Math.round(e.delayMs / 100) / 10}s (attempt ${e.attempt}): ${e.reason}`;
      live.text = '';
      live.notes.push(note);
      if (shown) this.coalescer.discard(note);
    } else if (e.type === 'fallback' || e.type === 'breaker') {
      const note = e.type === 'fallback' ? `Falling back from ${e.from} to ${e.to}: ${e.reason}` : `Circuit breaker for ${e.model}: ${e.state}`;
      live.notes.push(note);
      if (shown) this.coalescer.note(note);
    }
  }

  /** A command that waits for another session's (named by its title), then runs: a note each, in order. */
  private queued(n: QueueNotice, live: LiveTurn): void {
    void this.serial(async () => {
      const { store } = n.waiting && n.behind !== undefined ? await this.stores.get() : { store: undefined };
      const title = n.behind !== undefined ? (await store?.getSession(n.behind))?.title : undefined;
      const said = queueText(n, title);
      const note = `${said[0]?.toUpperCase() ?? ''}${said.slice(1)}`;
      live.notes.push(note);
      if (n.sessionId === this.shown) this.coalescer.note(note);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch((e: unknown) => this.log.warn(`sidebar timeline: ${e instanceof Error ? e.message : String(e)}`));
    return run;
  }

  dispose(): void {
    this.sub.dispose();
    this.coalescer.dispose();
    this.lives.clear();
    this.close();
  }
}
