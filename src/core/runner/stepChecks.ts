import type { TurnWatch } from '../ports/changeCapture';
import type { Diagnostics } from '../ports/diagnostics';
import type { BlobInput } from '../store/types';
import type { SideEffect, StepDiagnostics } from './runEvents';
import { checksMarked, stopCheckLeftovers } from './interruptedCommand';
import type { RunnerDeps } from './runner';
import type { SessionJournal } from './sessionJournal';
import { type Base, collectOrWhy, diagnoseStep, prepareBase, readFindings, type StepPaths, unavailableRecord } from './stepDiagnostics';

/** The findings a step's delta is taken against; `unavailable`: why they could not be collected; undefined: the step is not checked. */
export type StepBase = Base | { unavailable: string } | undefined;

/** The compiler findings of the steps that change files: each step's delta against the findings before it. */
export class StepChecks {
  /** Runs (one journal each) in which a step recorded findings: the next step's base is those. */
  private readonly recorded = new WeakSet<SessionJournal>();
  /** A base collected in a run before any step of it recorded findings (a first call that changed nothing keeps it). */
  private readonly collected = new WeakMap<SessionJournal, Base>();
  /** The base of a step whose check failed: the next one's when no fresh base can be collected. */
  private readonly failedAfter = new WeakMap<SessionJournal, Base>();

  /** Runs in which what a dead process's check left running has been stopped (`sweep`). */
  private readonly swept = new WeakSet<SessionJournal>();

  /**
   * `sourceFor`: the findings' source for the session's steps; `exists`: whether a file is in the
   * workspace now (the findings of a file gone are not carried forward); `stopLeftovers`: stops what a check
   * of the session still runs that a process which died had started, before a run's first check.
   */
  constructor(
    private readonly sourceFor: (j: SessionJournal) => Diagnostics,
    private readonly exists?: (path: string) => Promise<boolean>,
    private readonly stopLeftovers?: (j: SessionJournal) => Promise<unknown>,
  ) {}

  /**
   * A runner's: its check command's processes marked as the session's, and what a check cut off by a crash still runs stopped.
   * `watch`: told when a check of the session waits for its turn in the folder, then gets it.
   */
  static of(deps: Pick<RunnerDeps, 'toolContext' | 'store'>, watch?: (j: SessionJournal) => TurnWatch | undefined): StepChecks {
    const ctx = deps.toolContext;
    return new StepChecks(
      (j) => checksMarked(ctx.diagnostics, deps.store, j, watch?.(j)),
      (p) => ctx.workspace.stat(p).then((st) => st !== undefined, () => true),
      (j) => stopCheckLeftovers(ctx.processes, deps.store, j),
    );
  }

  /** Stops what a check of the session cut off by a crash still runs, once per run: before its first check, and before a call the crash cut off is settled (which may run none). */
  async sweep(j: SessionJournal): Promise<void> {
    if (this.swept.has(j)) return;
    this.swept.add(j);
    await this.stopLeftovers?.(j);
  }

  private async sourceOf(j: SessionJournal): Promise<Diagnostics> {
    await this.sweep(j);
    return this.sourceFor(j);
  }

  /**
   * The findings the next delta is taken against, before the step runs: the last step's, once a
   * step of this run recorded them. Across a pause, a crash or an approval's wait the user may have
   * changed files, and their errors are not the step's, so a run collects them afresh first (as does a
   * step that waited for an approval in the run: `waited`).
   * After a step whose check failed, the findings are collected afresh too (the files changed since
   * the last list). `journaled`: the last step's whatever the run (a step a crash cut short, settled
   * on resume: its files have already changed, so the findings before it are the journaled ones).
   */
  async base(j: SessionJournal, signal: AbortSignal, journaled = false): Promise<StepBase> {
    const last = j.state.diagnostics;
    if (last && (journaled || this.recorded.has(j))) {
      try {
        return { findings: readFindings(await j.getBlob(last.blob)), errors: last.errors, warnings: last.warnings };
      } catch {
        // Not in the store any more: collected below.
      }
    }
    const kept = this.collected.get(j);
    if (kept) return kept;
    const fresh = await collectOrWhy(await this.sourceOf(j), signal);
    if ('unavailable' in fresh) return this.failedAfter.get(j) ?? fresh;
    this.collected.set(j, fresh);
    return fresh;
  }

  /** The step about to run waited for the user (an approval): files may have changed meanwhile, so its base is collected afresh. */
  waited(j: SessionJournal): void {
    this.recorded.delete(j);
  }

  /**
   * The base before a step that changes `paths` (when known): with their findings now when the source can report on them (`prepareBase`).
   * `journaled`: the step already changed files before it began here (a command a crash cut off, run again): the last step's, as `base` says.
   */
  async before(j: SessionJournal, signal: AbortSignal, paths?: readonly string[], journaled = false): Promise<StepBase> {
    const base = await this.base(j, signal, journaled);
    return base && !('unavailable' in base) && paths?.length ? prepareBase(await this.sourceOf(j), paths, base, signal) : base;
  }

  /** The step's findings and delta against `base`; from now on this run's next step compares with them. `step`: the files it created or moved. */
  async diagnose(j: SessionJournal, changed: string[], base: StepBase, signal: AbortSignal, step: Omit<StepPaths, 'exists'> = {}): Promise<{ record: StepDiagnostics; blobs: BlobInput[] } | undefined> {
    if (!base) return undefined;
    // Nothing to compare with: the checker failed before the step too. Said so, never as "no errors";
    // the next step collects a list of its own first.
    if ('unavailable' in base) {
      this.recorded.delete(j);
      return { record: unavailableRecord(`before this step: ${base.unavailable}`), blobs: [] };
    }
    const { record, blob } = await diagnoseStep(await this.sourceOf(j), changed, base, signal, { ...step, ...(this.exists ? { exists: this.exists } : {}) });
    // Findings the journal keeps as the next base. A checker that failed records none, and the list
    // before this step no longer describes the files: the next step collects a base of its own first,
    // so that the errors this step made are not counted as that step's.
    if (!record.unavailable) this.recorded.add(j);
    else this.recorded.delete(j);
    this.collected.delete(j);
    // Kept for when that fresh base cannot be had either (the checker still fails on the files as they are).
    if (record.unavailable) this.failedAfter.set(j, base);
    else this.failedAfter.delete(j);
    return { record, blobs: blob ? [blob] : [] };
  }

  /** `diagnose` for a step known by the files it changed (a command's side effects): a moved file counts at both its paths. */
  diagnoseEffects(j: SessionJournal, effects: readonly SideEffect[], base: StepBase, signal: AbortSignal): ReturnType<StepChecks['diagnose']> {
    const changed = effects.flatMap((e) => (e.from !== undefined ? [e.path, e.from] : [e.path]));
    const renamed = new Map(effects.flatMap((e) => (e.from !== undefined ? [[e.path, e.from] as const] : [])));
    return this.diagnose(j, changed, base, signal, { created: effects.flatMap((e) => (e.kind === 'created' ? [e.path] : [])), renamed });
  }
}
