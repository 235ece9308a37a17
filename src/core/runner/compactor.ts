import { ModelError } from '../model/modelError';
import type { LlmResponse } from '../model/llmClient';
import { type Spent, addSpent } from '../model/spendMeter';
import type { BlobHash } from '../store/types';
import { SUMMARY_SYSTEM, compactionCut, estimateTokens, messageChars, projectedTokens, summaryMessage, summaryRequest } from './compaction';
import type { CompactedData, RetryNote, RunnerEvent } from './runEvents';
import type { RunnerDeps } from './runner';
import { type AppendExtras, RunnerError, type SessionJournal, hashMessage } from './sessionJournal';

type Commit = (j: SessionJournal, step: number, events: RunnerEvent[], extras?: AppendExtras) => Promise<void>;

/**
 * Compaction of a session's history, journaled like any turn: a summary by a model call takes the
 * place of the older turns in the state, and can be undone from the journal, which keeps them.
 */
export class Compactor {
  constructor(
    private readonly deps: RunnerDeps,
    private readonly commit: Commit,
  ) {}

  /**
   * Summarizes the turns before the last few and journals the summary in their place: the state
   * shrinks for good. A crash before the journal write leaves nothing behind; resume decides again.
   * False when there is nothing to summarize or the summary could not be had (the session goes on).
   * `keepTurns`: fewer turns kept than the setting's (the API refused the request as too long).
   */
  async compact(j: SessionJournal, signal: AbortSignal, keepTurns?: number): Promise<boolean> {
    const s = j.state;
    const o = this.deps.context || {};
    const raw = await Promise.all(s.messages.map((h) => j.message(h)));
    const cut = compactionCut(raw.map((m) => m.role), keepTurns ?? o.keepTurns);
    if (cut === null) return false;
    this.deps.probe?.('compaction:request');
    // A summary cut by its own max_tokens has lost its end (what remains to do, most often): it is
    // asked for again with twice the room, once; cut again, the session goes on uncompacted.
    const limit = o.summaryMaxTokens ?? 2048;
    let wasted: Spent | undefined;
    let response: LlmResponse | undefined;
    // Journaled with the summary (or its failure), as a model turn's are: the live notes of them do not last.
    const retries: RetryNote[] = [];
    for (const maxTokens of [limit, limit * 2]) {
      try {
        response = await this.deps.llm.complete(
          { models: s.models, system: SUMMARY_SYSTEM, messages: [summaryRequest(s.task, raw.slice(0, cut))], maxTokens, signal },
          (event) => {
            if (event.type === 'retry') retries.push({ model: event.model, attempt: event.attempt, delayMs: event.delayMs, code: event.code, reason: event.reason });
            this.deps.onEvent?.({ type: 'model', sessionId: j.id, event });
          },
        );
      } catch (e) {
        if (!ModelError.is(e) || e.code === 'ABORTED') throw e;
        return this.giveUp(j, addSpent(wasted, e.details.spent), retries);
      }
      if (response.stopReason !== 'max_tokens') break;
      wasted = addSpent(wasted, addSpent(response.spent, { usage: response.usage, costUsd: response.costUsd }));
      response = undefined;
    }
    if (!response) return this.giveUp(j, wasted, retries);
    this.deps.probe?.('compaction:answered');
    const text = response.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n').trim();
    if (!text) return this.giveUp(j, addSpent(wasted, addSpent(response.spent, { usage: response.usage, costUsd: response.costUsd })), retries);
    const summary = summaryMessage(s.task, text, s.compactions.length + 1, cut);
    const tokensAfter = estimateTokens(s.system.length + messageChars(summary) + raw.slice(cut).reduce((n, m) => n + messageChars(m), 0));
    // Named by its event; a fork renumbers the events it copies but keeps their compactions' names, so a name taken is told apart.
    let compactionId = `compaction:${j.headSeq + 1}`;
    for (let n = 2; (s.compactions ?? []).some((c) => c.id === compactionId); n++) compactionId = `compaction:${j.headSeq + 1}:${n}`;
    const data: CompactedData = {
      compactionId,
      replaced: s.messages.slice(0, cut),
      summary: hashMessage(summary),
      tokensBefore: projectedTokens(s),
      tokensAfter,
      usage: response.usage,
      costUsd: response.costUsd,
      model: response.model,
    };
    const spent = addSpent(response.spent, wasted);
    if (spent) data.spent = spent;
    if (retries.length) data.retries = retries;
    await this.commit(j, s.turn, [{ type: 'compacted', data }], { messages: [summary] });
    return true;
  }

  /**
   * No summary: what its requests were billed is journaled all the same (it counts against the
   * budgets), and so are the retries it took, even when nothing was billed.
   */
  private async giveUp(j: SessionJournal, spent: Spent | undefined, retries: RetryNote[]): Promise<false> {
    if (!spent && !retries.length) return false;
    const billed = spent ?? { usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, costUsd: 0 };
    await this.commit(j, j.state.turn, [{ type: 'model_spent', data: { usage: billed.usage, costUsd: billed.costUsd, why: 'summary', ...(retries.length ? { retries } : {}) } }]);
    return false;
  }

  /** Puts back the messages a compaction in force summarized (the latest by default), read from its journal record. */
  async undo(j: SessionJournal, compactionId?: string): Promise<{ compactionId: string; restored: number }> {
    const all = j.state.compactions;
    const c = compactionId ? all.find((x) => x.id === compactionId) : all[all.length - 1];
    if (!c) throw new RunnerError('NOT_FOUND', compactionId ? `no compaction ${compactionId} in force in session ${j.id}` : `session ${j.id} has no compaction to undo`);
    const at = j.state.messages.indexOf(c.summary);
    if (at < 0) throw new RunnerError('INVALID', `${c.id} was summarized again by a later compaction: undo that one first`);
    let restore: BlobHash[] | undefined;
    for await (const e of this.deps.store.readEvents(j.id, { reverse: true })) {
      if (e.type === 'compacted' && (e.data as CompactedData).compactionId === c.id) {
        restore = (e.data as CompactedData).replaced;
        break;
      }
    }
    if (!restore) throw new RunnerError('NOT_FOUND', `the journal has no record of ${c.id}`);
    const after = [...j.state.messages.slice(0, at), ...restore, ...j.state.messages.slice(at + 1)];
    const chars = (await Promise.all(after.map((h) => j.message(h)))).reduce((n, m) => n + messageChars(m), j.state.system.length);
    await this.commit(j, j.state.turn, [{ type: 'compaction_undone', data: { compactionId: c.id, restore, tokensAfter: estimateTokens(chars) } }]);
    return { compactionId: c.id, restored: restore.length };
  }
}
