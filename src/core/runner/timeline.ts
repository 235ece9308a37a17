import { linkNote } from '../../shared/linkNote';
import type { RetryNote, RunnerEvent, SideEffect, StepDiagnostics, ToolResultData } from './runEvents';
import { describeStepDiagnostics } from './stepDiagnostics';
import { describeBudgets } from './budgets';
import type { JournalEvent } from '../store/types';
import { count } from '../util/plural';
import { usd } from '../../shared/money';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** A user's or model's text on the event's one line: a task on several lines was printed on several, read as other events. */
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** One line per journal event, for `savepoint show` and the demo. */
export function timelineLine(e: JournalEvent): string {
  const at = new Date(e.at).toISOString().slice(11, 19);
  return `${String(e.seq).padStart(4)} ${at} step ${String(e.step).padStart(3)}  ${checkpointText(e) ?? describeStored(e)}`;
}

/**
 * A stored event in words. The store holds what any writer committed (another tool, a version of
 * Savepoint with other fields): an event not in the runner's format is shown as it is, where it
 * used to fail the whole listing.
 */
function describeStored(e: Pick<JournalEvent, 'type' | 'data'>): string {
  try {
    return describeEvent({ type: e.type, data: e.data } as RunnerEvent);
  } catch {
    return foreignEventText(e);
  }
}

/** An event the runner did not write in its format, as it is. */
export const foreignEventText = (e: Pick<JournalEvent, 'type' | 'data'>): string => `${e.type} (not in the runner's format): ${cut(JSON.stringify(e.data) ?? String(e.data), 120)}`;

/** Rewinds, their undos and settlements (written outside the runner), read defensively; undefined for other events. */
function checkpointText(e: JournalEvent): string | undefined {
  const d = (e.data ?? {}) as { files?: unknown[]; skipped?: unknown[]; targetStep?: unknown; undo?: unknown; notWritten?: unknown[] };
  const files = count(Array.isArray(d.files) ? d.files.length : 0, 'file');
  const kept = Array.isArray(d.skipped) && d.skipped.length ? `, ${d.skipped.length} kept` : '';
  switch (e.type) {
    case 'rewind':
      return `rewind to ${typeof d.targetStep === 'number' && d.targetStep > 0 ? `step ${d.targetStep}` : 'before the session'}: ${files}${kept}`;
    case 'rewind_undone':
      return `rewind undone: ${files}${kept}`;
    case 'rewind_settled': {
      const late = Array.isArray(d.notWritten) ? d.notWritten.filter((p): p is string => typeof p === 'string') : [];
      const what = d.undo === true ? 'undo' : 'rewind';
      return late.length ? `${what} done; left alone (changed during it): ${cut(late.join(', '), 100)}` : `${what} done`;
    }
    default:
      return undefined;
  }
}

const LETTER = { created: 'A', modified: 'M', deleted: 'D', renamed: 'R' } as const;

/**
 * " (over the size limit: kept by hash and size only, 7 -> 9 bytes)" for a change whose contents were
 * not kept; " (binary: shown by hash only)" for a binary one within the limit, whose old bytes a
 * rewind restores but no diff shows (kept by hash only when they were not at hand: `unkept`).
 */
export function hashOnly(s: Pick<SideEffect, 'binary' | 'tooLarge' | 'unkept' | 'afterUnkept' | 'beforeSize' | 'afterSize'>): string {
  const unkept = s.afterUnkept ? `${s.unkept ? 'its earlier contents were not at hand, and ' : ''}its new contents were not kept, being over the capture's text budget` : s.unkept ? 'its earlier contents were not at hand' : undefined;
  const why = s.tooLarge ? `${s.binary ? 'binary, ' : ''}over the size limit` : s.binary ? (unkept ? `binary, ${unkept}` : 'binary') : unkept;
  if (!why) return '';
  const sizes = s.beforeSize !== undefined || s.afterSize !== undefined ? `, ${s.beforeSize ?? 'none'} -> ${s.afterSize ?? 'none'} bytes` : '';
  return ` (${why}: ${s.binary && !s.tooLarge && !s.unkept ? 'shown' : 'kept'} by hash${sizes ? ' and size' : ''} only${sizes})`;
}
const DETAIL_LINES = 10;

/** A path (or a line naming one) kept on its row: a line break in a file name shows as ⏎. */
const onRow = (text: string): string => text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ⏎ ');

/**
 * A command's change of the execute bit alone: the same contents on both sides (the capture reads
 * neither again, so it flags them `unkept`, but nothing of them is missing: the file holds them).
 */
export const modeOnly = (s: Pick<SideEffect, 'beforeHash' | 'afterHash' | 'beforeLink' | 'afterLink' | 'beforeExec' | 'afterExec'>): boolean =>
  s.beforeHash !== null && s.beforeHash === s.afterHash && s.beforeLink === undefined && s.afterLink === undefined && !s.beforeExec !== !s.afterExec;

/** Under a result: the files a command changed (binary and too-large ones marked) and the symbols the call changed, one per line. */
function resultDetails(d: ToolResultData): string {
  const files = (d.sideEffects ?? []).map((s) => {
    const link = linkNote(s.kind, s);
    const note = link !== undefined ? ` (${link})` : modeOnly(s) && !s.binary ? ` (execute bit ${s.afterExec ? 'set' : 'cleared'})` : hashOnly(s);
    return `${LETTER[s.kind]} ${s.from ? `${s.from} -> ` : ''}${s.path}${note}`;
  });
  const lines = [...files, ...(d.symbols ?? [])];
  const shown = lines.slice(0, DETAIL_LINES).map((l) => `\n        ${onRow(l)}`).join('');
  return (lines.length > DETAIL_LINES ? `${shown}\n        … and ${lines.length - DETAIL_LINES} more` : shown) + findingLines(d);
}

const FINDING_LINES = 5;

/** Under a result: what the step's check said that the summary does not (introduced findings, output not understood). */
function findingLines(d: ToolResultData): string {
  const diag = d.diagnostics;
  if (!diag || diag.unavailable) return '';
  return introducedLines(diag) + notUnderstoodLines(diag);
}

/** Under a result: the lines of the check output that were not understood (the first few; the rest counted). */
function notUnderstoodLines(diag: StepDiagnostics): string {
  const n = diag.notUnderstood;
  if (!n) return '';
  const lines = n.lines.map((l) => `\n        not understood: ${l}`).join('');
  const more = n.count - n.lines.length;
  return more > 0 ? `${lines}\n        … and ${more} more line${more === 1 ? '' : 's'} not understood` : lines;
}

/** The errors and warnings the step introduced, as a compiler prints them (the first few; the rest counted). */
function introducedLines(diag: StepDiagnostics): string {
  if (diag.introducedCount === 0) return '';
  const shown = diag.introduced.slice(0, FINDING_LINES);
  const lines = shown.map((f) => `\n        ${onRow(f.path)}:${f.line}:${f.column} ${f.severity} ${cut(f.message.split('\n')[0] ?? '', 160)}${f.code ? ` [${f.code}]` : ''}`).join('');
  const more = diag.introducedCount - shown.length;
  return more > 0 ? `${lines}\n        … and ${more} more new finding${more === 1 ? '' : 's'} (get_diagnostics lists them all)` : lines;
}

const leftOutPins = (ids: readonly string[] | undefined): string =>
  ids?.length ? `; ${ids.length} pinned memor${ids.length === 1 ? 'y' : 'ies'} left out of the prompt for lack of room: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}` : '';

/** The event in words, without position or time. */
export function describeEvent(ev: RunnerEvent): string {
  const head = '';
  switch (ev.type) {
    case 'session_started':
      return `${head}started: ${cut(flat(ev.data.task), 100)} (models ${ev.data.models.join(', ')})${leftOutPins(ev.data.pinnedLeftOut)}`;
    case 'model_turn': {
      const d = ev.data;
      const calls = d.calls.map((c) => c.name).join(', ') || 'no tool call';
      const retries = d.retries.length ? `, ${retriesText(d.retries)}` : '';
      return `${head}model turn ${d.turn} [${d.model}]: ${calls}; ${d.usage.input}+${d.usage.output} tokens, ${usd(d.costUsd)}${retries}`;
    }
    case 'tool_planned':
      return `${head}  plan ${ev.data.name} ${cut(JSON.stringify(ev.data.input), 120)}`;
    case 'tool_started':
      return `${head}  start ${ev.data.callId}${ev.data.mutations ? ` (${ev.data.mutations.map((m) => onRow(m.path)).join(', ')})` : ''}`;
    case 'approval_requested':
      return `${head}  ASK ${ev.data.kind}${ev.data.name ? ` ${ev.data.name}` : ''}: ${cut(flat(ev.data.reasons.join('; ')), 140)}`;
    case 'approval_decided':
      return `${head}  decided: ${ev.data.decision}${ev.data.text ? ` "${cut(flat(ev.data.text), 80)}"` : ''}`;
    case 'tool_result': {
      const diag = ev.data.diagnostics ? describeStepDiagnostics(ev.data.diagnostics) : '';
      // The symbol lines the content carries for the model are said once, under the line (`resultDetails`).
      const symbolLines = new Set(ev.data.symbols ?? []);
      const firstLine = (ev.data.content.split('\n[diagnostics after this step')[0] ?? '').split('\n').filter((l) => !symbolLines.has(l)).join('\n');
      return `${head}  ${ev.data.isError ? 'ERROR' : 'ok'} ${ev.data.name}${ev.data.recovered ? ` [recovered: ${ev.data.recovered}]` : ''}: ${cut(firstLine.replace(/\s+/g, ' '), 110)}${diag ? ` — ${diag}` : ''}${resultDetails(ev.data)}`;
    }
    case 'message_added':
      return `${head}  ${ev.data.reason === 'human' ? 'human message' : ev.data.reason === 'drift' ? 'told the model what changed on disk while the session was away' : ev.data.reason === 'continue' ? 'the answer was cut short: asked the model to continue' : ev.data.reason === 'no_answer' ? 'the turn ended without any answer: asked the model to finish' : 'tool results sent'}`;
    case 'status':
      return `${head}status → ${ev.data.status}${ev.data.reason ? ` (${cut(flat(ev.data.reason), 120)})` : ''}`;
    case 'budgets_changed':
      return `${head}budgets → ${describeBudgets(ev.data.budgets)}`;
    case 'models_changed':
      return `${head}models → ${ev.data.models.join(', ')} (were ${ev.data.from.join(', ')})`;
    case 'episode_remembered':
      return `${head}remembered in long-term memory as an episode (${ev.data.memoryId})`;
    case 'compacted':
      return `${head}compacted ${ev.data.replaced.length} earlier messages into a summary (${ev.data.compactionId}): ~${ev.data.tokensBefore} → ~${ev.data.tokensAfter} tokens; undo restores them${ev.data.retries?.length ? `; ${retriesText(ev.data.retries)}` : ''}`;
    case 'model_spent': {
      const billed = `${ev.data.usage.input}+${ev.data.usage.output} tokens, ${usd(ev.data.costUsd)}${ev.data.retries?.length ? `; ${retriesText(ev.data.retries)}` : ''}`;
      if (ev.data.why === 'summary') return `${head}the summary for a compaction could not be had (the session went on uncompacted): billed ${billed}`;
      return `${head}billed for a model request that gave nothing (${ev.data.why}): ${billed}`;
    }
    case 'compaction_undone':
      return `${head}compaction undone (${ev.data.compactionId}): ${ev.data.restore.length} messages restored, ~${ev.data.tokensAfter} tokens`;
    case 'fact_pinned':
      return `${head}pinned by the ${ev.data.by}: ${cut(flat(ev.data.fact), 120)}`;
    case 'fact_unpinned':
      return `${head}unpinned: ${cut(flat(ev.data.fact), 120)}`;
    case 'command_turn': {
      const what = ev.data.check ? `the check of ${ev.data.callId}` : ev.data.callId;
      if (!ev.data.waiting) return `${head}  turn ${what}: runs now`;
      return `${head}  queued ${what}: waits for ${ev.data.behind !== undefined ? `a command of session ${ev.data.behind}` : "another session's command or check"} to finish${ev.data.ahead ? `, and for ${ev.data.ahead} more waiting ahead of it` : ''} (one command runs at a time in this folder)`;
    }
    default:
      return `${head}${(ev as { type: string }).type}`;
  }
}

/** "2 retries (OVERLOADED, SERVER)": how many, and their kinds. */
const retriesText = (retries: readonly RetryNote[]): string => `${retries.length} retr${retries.length === 1 ? 'y' : 'ies'} (${[...new Set(retries.map((r) => r.code))].join(', ')})`;
