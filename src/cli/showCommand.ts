import type { Composed } from './compose';
import { forkLines } from './forkLines';
import { listLine } from './listLine';
import { UsageError } from './cliArgs';
import { out } from './terminalText';
import { allSessions } from '../core/store/allSessions';
import { StoreError } from '../core/store/errors';
import type { SessionId } from '../core/store/types';
import { CheckpointError } from '../core/checkpoints/checkpointEvents';
import type { ModelTurnData } from '../core/runner/runEvents';
import { timelineLine } from '../core/runner/timeline';
import { agentSaid, turnText } from '../shared/agentText';

/** Steps FROM..TO of `show` (TO: Infinity for "to the end"). */
export interface StepRange {
  from: number;
  to: number;
}

/**
 * `show`'s optional STEPS: one step (14), a range (10-20) or from a step to the end (1400-). A
 * session of an hour has a thousand steps and more: its whole timeline is ten thousand lines.
 */
export function stepsArg(v: string | undefined): StepRange | undefined {
  if (v === undefined) return undefined;
  const m = /^([0-9]+)(?:(-)([0-9]*))?$/.exec(v);
  if (!m) throw new UsageError(`show takes a step (14), steps FROM-TO (10-20) or FROM- (1400-: to the end), got "${v}"`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : m[3] ? Number(m[3]) : Infinity;
  if (to < from) throw new UsageError(`show: steps ${v} end before they begin; FROM-TO counts up (${to}-${from})`);
  return { from, to };
}

/**
 * The session's row, its fork links, then its timeline: each event, and under a model turn what the
 * agent said in it. With `steps`, only those steps' events (the text of other turns is not read).
 */
export async function showCommand(app: Composed, id: SessionId, steps: StepRange | undefined): Promise<number> {
  const s = await app.store.getSession(id);
  // As every other command reports it (exit 1): the command line was well formed.
  if (!s) throw new StoreError('SESSION_NOT_FOUND', `no session ${id} in this workspace`);
  const all = await allSessions(app.store.listSessions.bind(app.store));
  out(`${listLine(s, new Set(all.map((r) => r.id)))}\n${forkLines(all, s)}`);
  let shown = 0;
  let last = 0;
  for await (const e of app.store.readEvents(id)) {
    last = Math.max(last, e.step);
    if (steps && (e.step < steps.from || e.step > steps.to)) continue;
    shown++;
    out(`${timelineLine(e)}\n`);
    if (e.type === 'model_turn') {
      const said = agentSaid(await turnText(app.store, (e.data as ModelTurnData).message), '        ');
      if (said) out(`${said}\n`);
    }
  }
  if (steps && shown === 0) {
    const asked = steps.from === steps.to ? `step ${steps.from}` : steps.to === Infinity ? `steps ${steps.from}-` : `steps ${steps.from}-${steps.to}`;
    throw new CheckpointError('INVALID', `${asked}: nothing recorded in session ${id} (steps 0..${last})`);
  }
  return 0;
}
