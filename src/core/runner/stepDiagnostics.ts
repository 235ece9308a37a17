import type { Diagnostic, Diagnostics } from '../ports/diagnostics';
import type { BlobHash, BlobInput } from '../store/types';
import type { Finding, StepDiagnostics } from './runEvents';
import { hashBytes } from './sessionJournal';
import { count as plural } from '../util/plural';
import { notUnderstoodText } from '../tools/notUnderstood';

const SHOWN = 10;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The findings the session saw last: the base of the next step's delta. */
export interface DiagnosticsBase {
  errors: number;
  warnings: number;
  blob: BlobHash;
}

function toFinding(d: Diagnostic): Finding {
  return { path: d.path, line: d.line, column: d.column, severity: d.severity, message: d.message, ...(d.code ? { code: d.code } : {}) };
}

/** A line a message names (mypy's `already defined on line 3`): it moves with the code as the finding's own line does. */
const LINE_IN_MESSAGE = /\bline \d+\b/gi;

/**
 * Line numbers move when code above them changes; a finding is the same one while its file, kind and
 * text are (the lines its text names aside). In a file whose lines did not move (`moved` says no: the
 * step did not change it), its line and its text as it is.
 */
const identity = (f: Finding, moved?: (path: string) => boolean) =>
  moved && !moved(f.path)
    ? `${f.path}\u0000${f.severity}\u0000${f.code ?? ''}\u0000${f.message}\u0000${f.line}`
    : `${f.path}\u0000${f.severity}\u0000${f.code ?? ''}\u0000${f.message.replace(LINE_IN_MESSAGE, 'line #')}`;

const counted = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'error' || f.severity === 'warning');

/**
 * Findings in `after` that `before` does not have (as multisets), and how many of `before` went away.
 * `moved`: the files whose lines may have moved (all when absent); in the others, the same error on
 * another line is another error (one fixed, one made), not the same one.
 */
export function compareFindings(before: readonly Finding[], after: readonly Finding[], moved?: (path: string) => boolean): { introduced: Finding[]; resolved: number } {
  const left = new Map<string, number>();
  for (const f of counted(before)) left.set(identity(f, moved), (left.get(identity(f, moved)) ?? 0) + 1);
  const introduced: Finding[] = [];
  for (const f of counted(after)) {
    const n = left.get(identity(f, moved)) ?? 0;
    if (n > 0) left.set(identity(f, moved), n - 1);
    else introduced.push(f);
  }
  let resolved = 0;
  for (const n of left.values()) resolved += n;
  return { introduced, resolved };
}

export function findingsBlob(findings: readonly Finding[]): BlobInput & { hash: BlobHash } {
  const content = encoder.encode(JSON.stringify(findings));
  return { content, hash: hashBytes(content) };
}

export function readFindings(bytes: Uint8Array): Finding[] {
  return JSON.parse(decoder.decode(bytes)) as Finding[];
}

const tally = (fs: readonly Finding[]) => ({ errors: fs.filter((f) => f.severity === 'error').length, warnings: fs.filter((f) => f.severity === 'warning').length });

/** The findings a step's delta is taken against. */
export type Base = { findings: Finding[]; errors: number; warnings: number };

/**
 * Collects the findings after a step that changed files and compares them with the base (the
 * previous step's, or a list collected before this step when the session has none yet). A
 * checker that fails gives a record that says so, never a false "no errors".
 *
 * A source that reports on some files only (`Diagnostics.reports`) is read with that in mind: a file
 * it no longer reports on and the step did not change keeps its findings from the base (the editor
 * closed it; nothing was fixed), and a file the step changed (`created`: those that did not exist
 * before) that it did not report on before, with no findings known, had its findings first seen now:
 * they are added to the base and the file is listed as unchecked, not blamed on the step. A file
 * not reported on that no longer exists (`exists`) is carried forward no more: its findings leave
 * the base too, neither fixed nor blamed on the step. A file the step moved (`renamed`: new path ->
 * old path; both are in `changed`) takes its findings in the base with it: a move fixes nothing.
 */
export async function diagnoseStep(source: Diagnostics, changed: readonly string[], given: Base, signal: AbortSignal, step: StepPaths = {}): Promise<{ record: StepDiagnostics; blob: BlobInput | undefined }> {
  const { created = [], renamed, exists } = step;
  const base = renamed?.size ? moved(given, renamed) : given;
  const reports = source.reports?.bind(source);
  const known = new Set(base.findings.map((f) => f.path));
  // A moved file was seen before where its old path was.
  const seen = (p: string) => known.has(p) || (reports !== undefined && (reports(p) || (renamed?.has(p) === true && reports(renamed.get(p) as string))));
  const unseen = new Set(reports ? changed.filter((p) => !created.includes(p) && !seen(p)) : []);
  let after: Finding[];
  let notUnderstood: StepDiagnostics['notUnderstood'];
  try {
    await source.settle?.(changed, signal);
    const got = source.collectReport ? await source.collectReport(undefined, signal) : { findings: await source.collect(undefined, signal) };
    after = got.findings.map(toFinding);
    notUnderstood = got.notUnderstood;
  } catch (e) {
    if (signal.aborted) throw e;
    return { record: unavailableRecord(reasonOf(e)), blob: undefined };
  }
  let counted = base;
  const touched = new Set(changed);
  if (reports) {
    const carried = base.findings.filter((f) => !touched.has(f.path) && !reports(f.path));
    // A file removed outside the step (the user deleted it) has no findings any more, and losing them is not the step's doing.
    const gone = new Set<string>();
    if (exists) for (const p of new Set(carried.map((f) => f.path))) if (!(await exists(p))) gone.add(p);
    after.push(...carried.filter((f) => !gone.has(f.path)));
    if (gone.size) counted = withFindings({ findings: [], errors: 0, warnings: 0 }, base.findings.filter((f) => !gone.has(f.path)));
  }
  const firstSeen = after.filter((f) => unseen.has(f.path));
  const before = firstSeen.length ? withFindings(counted, firstSeen) : counted;
  const unchecked = [...new Set(firstSeen.map((f) => f.path))];
  const now = tally(after);
  // Only the files the step changed can have had their lines moved (a moved file is changed at both paths).
  const { introduced, resolved } = compareFindings(before.findings, after, (p) => touched.has(p));
  const blob = findingsBlob(after);
  return {
    record: {
      errors: now.errors,
      warnings: now.warnings,
      delta: { errors: now.errors - before.errors, warnings: now.warnings - before.warnings },
      introduced: introduced.slice(0, SHOWN),
      introducedCount: introduced.length,
      resolvedCount: resolved,
      blob: blob.hash,
      ...(unchecked.length ? { unchecked } : {}),
      ...(notUnderstood ? { notUnderstood } : {}),
    },
    blob: { content: blob.content },
  };
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The record of a step whose findings could not be had: `why`, never a count of 0 errors. */
export function unavailableRecord(why: string): StepDiagnostics {
  return { errors: 0, warnings: 0, delta: { errors: 0, warnings: 0 }, introduced: [], introducedCount: 0, resolvedCount: 0, blob: '' as BlobHash, unavailable: why.slice(0, 500) };
}

/** What a step changed besides its paths: files it created, moved (new path -> old path), and a test of what exists now. */
export interface StepPaths {
  created?: readonly string[];
  renamed?: ReadonlyMap<string, string>;
  exists?: (path: string) => Promise<boolean>;
}

/** The base with the findings of moved files at their new paths. */
function moved(base: Base, renamed: ReadonlyMap<string, string>): Base {
  const to = new Map([...renamed].map(([now, was]) => [was, now]));
  return { ...base, findings: base.findings.map((f) => (to.has(f.path) ? { ...f, path: to.get(f.path) as string } : f)) };
}

/** The base with more findings in it (counts too). */
function withFindings(base: Base, more: readonly Finding[]): Base {
  const findings = [...base.findings, ...more];
  const added = tally(more);
  return { findings, errors: base.errors + added.errors, warnings: base.warnings + added.warnings };
}

/**
 * The base before a step that is about to change `paths`, from a source that reports on some files
 * only: it is asked to report on those it does not yet (`Diagnostics.prepare`), and their findings
 * now replace what the base had for them, so errors a file already had are not the step's. The base
 * as it was when the source cannot (no `prepare`, or it failed).
 */
export async function prepareBase(source: Diagnostics, paths: readonly string[], base: Base, signal: AbortSignal): Promise<Base> {
  const reports = source.reports?.bind(source);
  if (!source.prepare || !reports) return base;
  const wanted = paths.filter((p) => !reports(p));
  if (wanted.length === 0) return base;
  try {
    await source.prepare(wanted, signal);
    const now = wanted.filter((p) => reports(p));
    if (now.length === 0) return base;
    const found = (await source.collect(now, signal)).map(toFinding);
    const replaced = new Set(now);
    const kept = base.findings.filter((f) => !replaced.has(f.path));
    return withFindings({ findings: kept, ...tally(kept) }, found);
  } catch (e) {
    if (signal.aborted) throw e;
    return base;
  }
}

/** The base for the first mutating step of a session: what the checker says before it runs (undefined when it fails). */
export async function collectBase(source: Diagnostics, signal: AbortSignal): Promise<Base | undefined> {
  const got = await collectOrWhy(source, signal);
  return 'unavailable' in got ? undefined : got;
}

/** `collectBase`, saying why when the checker fails. */
export async function collectOrWhy(source: Diagnostics, signal: AbortSignal): Promise<Base | { unavailable: string }> {
  try {
    const findings = (await source.collect(undefined, signal)).map(toFinding);
    return { findings, ...tally(findings) };
  } catch (e) {
    if (signal.aborted) throw e;
    return { unavailable: reasonOf(e) };
  }
}

/** "introduced 3 errors, fixed 1" — the step's effect on the findings, in words; '' when nothing changed. */
export function describeStepDiagnostics(d: StepDiagnostics): string {
  if (d.unavailable) return `diagnostics unavailable (${unavailableReason(d.unavailable)})`;
  const parts: string[] = [];
  const newErrors = d.introduced.filter((f) => f.severity === 'error').length;
  const newWarnings = d.introduced.filter((f) => f.severity === 'warning').length;
  const moreHidden = d.introducedCount - d.introduced.length;
  if (d.introducedCount > 0) {
    const what = moreHidden > 0 ? plural(d.introducedCount, 'new finding') : [newErrors ? plural(newErrors, 'error') : '', newWarnings ? plural(newWarnings, 'warning') : ''].filter(Boolean).join(' and ');
    parts.push(`introduced ${what}`);
  }
  if (d.resolvedCount > 0) parts.push(`fixed ${d.resolvedCount}`);
  const unchecked = d.unchecked?.length ? `${uncheckedFiles(d.unchecked)} not checked before this step: ${d.unchecked.length === 1 ? 'its findings are' : 'their findings are'} not counted as new` : '';
  const notes = [unchecked, d.notUnderstood ? notUnderstoodText(d.notUnderstood.count) : ''].filter(Boolean).join('; ');
  if (parts.length === 0 && !notes) return '';
  const now = `(now ${plural(d.errors, 'error')}, ${plural(d.warnings, 'warning')})`;
  return parts.length === 0 ? `${notes} ${now}` : `${parts.join(', ')} ${now}${notes ? `; ${notes}` : ''}`;
}


/** A line of a checker's output that says what went wrong (`tsc: not found`, `Error: Cannot find module…`). */
const TELLING = /error|not found|cannot|can't|no such|denied|not recognized|missing|invalid/i;

/**
 * Why a check failed, on one line: the first line of the reason and, when it introduces the command's
 * output (ends with ':'), the line of that output that says what went wrong, else its last.
 */
function unavailableReason(why: string): string {
  const [first = '', ...rest] = why.split('\n');
  const output = rest.map((l) => l.trim()).filter(Boolean);
  if (!first.endsWith(':') || output.length === 0) return first;
  return `${first} ${output.find((l) => TELLING.test(l)) ?? output[output.length - 1]}`;
}

function uncheckedFiles(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  if (paths.length === 1) return `${shown} was`;
  return `${paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown} were`;
}

/** What the model reads after the tool's own output: the new findings, with their places. */
export function diagnosticsForModel(d: StepDiagnostics): string {
  const summary = describeStepDiagnostics(d);
  if (!summary) return '';
  const lines = d.introduced.map((f) => `  ${f.path}:${f.line}:${f.column} ${f.severity} ${f.message.split('\n')[0]}${f.code ? ` [${f.code}]` : ''}`);
  const more = d.introducedCount > d.introduced.length ? [`  ... and ${d.introducedCount - d.introduced.length} more (get_diagnostics lists them)`] : [];
  for (const l of d.notUnderstood?.lines ?? []) more.push(`  not understood: ${l}`);
  return `\n[diagnostics after this step: ${summary}${lines.length ? ':' : ''}]${lines.length ? `\n${[...lines, ...more].join('\n')}` : ''}`;
}
