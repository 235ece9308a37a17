import type { LlmEvent } from '../core/model/llmClient';
import type { RunnerEvent } from '../core/runner/runEvents';
import { agentSaid } from '../shared/agentText';

/**
 * The text of the model answer streaming now, per session, for the CLI to print under the turn once
 * it is journaled. A retry or a fall-back starts the answer over; a summary for a compaction (its
 * `compacted`, or `model_spent` when it failed) is not the agent talking to the user.
 */
export class StreamedText {
  private readonly texts = new Map<string, string>();

  onModel(sessionId: string, e: LlmEvent): void {
    if (e.type === 'text') this.texts.set(sessionId, (this.texts.get(sessionId) ?? '') + e.delta);
    else if (e.type === 'retry' || e.type === 'fallback') this.texts.delete(sessionId);
  }

  /** The lines to print for committed `events`: each event's, and under a model turn what it said. */
  lines(sessionId: string, events: readonly RunnerEvent[], describe: (e: RunnerEvent) => string): string[] {
    const out: string[] = [];
    for (const e of events) {
      out.push(describe(e));
      if (e.type === 'model_turn') {
        const said = agentSaid(this.texts.get(sessionId) ?? '');
        if (said) out.push(said);
        this.texts.delete(sessionId);
      } else if (e.type === 'compacted' || e.type === 'model_spent') {
        this.texts.delete(sessionId);
      }
    }
    return out;
  }
}
