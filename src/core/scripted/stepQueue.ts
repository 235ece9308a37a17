import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Step } from './scenario';

/**
 * The steps of a scenario and how often each has been used. A request takes the first step, in
 * order, that is not used up and whose `model` (if any) is the requested one. With a state file the
 * use counts survive a restart of the server process.
 */
export class StepQueue {
  private steps: Step[] = [];
  private used: number[] = [];

  constructor(
    steps: readonly Step[],
    private readonly stateFile?: string,
  ) {
    this.steps = [...steps];
    this.used = steps.map(() => 0);
    if (stateFile && existsSync(stateFile)) this.restore(stateFile);
  }

  /** Replaces every step; use counts start over. */
  load(steps: readonly Step[]): void {
    this.steps = [...steps];
    this.used = steps.map(() => 0);
    this.save();
  }

  /** Appends a step; returns its index. */
  push(step: Step): number {
    this.steps.push(step);
    this.used.push(0);
    this.save();
    return this.steps.length - 1;
  }

  /** Takes (uses once) the step that answers a request for `model`, or undefined when none is left. */
  take(model: string): { step: Step; index: number } | undefined {
    const index = this.steps.findIndex((s, i) => (s.model === undefined || s.model === model) && !this.usedUp(s, i));
    const step = this.steps[index];
    if (!step) return undefined;
    this.used[index] = (this.used[index] ?? 0) + 1;
    this.save();
    return { step, index };
  }

  /** Steps with a finite `times` not used up yet (those a test usually expects to be consumed). */
  remaining(): number {
    return this.steps.filter((s, i) => s.times !== 'always' && !this.usedUp(s, i)).length;
  }

  private usedUp(s: Step, i: number): boolean {
    return s.times !== 'always' && (this.used[i] ?? 0) >= s.times;
  }

  private save(): void {
    if (!this.stateFile) return;
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ used: this.used }));
    renameSync(tmp, this.stateFile);
  }

  private restore(file: string): void {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const used = (parsed as { used?: unknown }).used;
    if (!Array.isArray(used)) return;
    this.used = this.steps.map((_, i) => (typeof used[i] === 'number' ? (used[i] as number) : 0));
  }
}
