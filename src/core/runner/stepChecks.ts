import type { Diagnostics } from '../ports/diagnostics';
import type { BlobInput } from '../store/types';
import type { StepDiagnostics } from './runEvents';
import type { SessionJournal } from './sessionJournal';
import { collectBase, diagnoseStep, readFindings } from './stepDiagnostics';

type Base = Awaited<ReturnType<typeof collectBase>>;

/** The compiler findings of the steps that change files: each step's delta against the findings before it. */
export class StepChecks {
  /** The runs (one journal each) whose steps' findings are a base for the next step: see `base`. */
  private readonly basedRuns = new WeakSet<SessionJournal>();

  constructor(private readonly sourceOf: () => Diagnostics) {}

  /**
   * The findings the next delta is taken against, before the step runs: the last step's, within
   * the run that found them. Across a pause, a crash or an approval's wait the user may have changed
   * files, and their errors are not the step's, so the first step of a run collects them again.
   * `journaled`: the last step's whatever the run (a step a crash cut short, settled on resume:
   * its files have already changed, so the findings before it are the journaled ones).
   */
  async base(j: SessionJournal, signal: AbortSignal, journaled = false): Promise<Base> {
    const last = j.state.diagnostics;
    const sameRun = journaled || this.basedRuns.has(j);
    this.basedRuns.add(j);
    if (!last || !sameRun) return collectBase(this.sourceOf(), signal);
    try {
      return { findings: readFindings(await j.getBlob(last.blob)), errors: last.errors, warnings: last.warnings };
    } catch {
      return collectBase(this.sourceOf(), signal);
    }
  }

  async diagnose(changed: string[], base: Base, signal: AbortSignal): Promise<{ record: StepDiagnostics; blobs: BlobInput[] } | undefined> {
    if (!base) return undefined;
    const { record, blob } = await diagnoseStep(this.sourceOf(), changed, base, signal);
    return { record, blobs: blob ? [blob] : [] };
  }
}
