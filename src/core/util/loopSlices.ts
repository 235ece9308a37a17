import { performance } from 'node:perf_hooks';

/**
 * Cuts a long loop of synchronous work (small files are read with synchronous calls) into slices,
 * so that timers, I/O callbacks, messages and cancellation still get through: `next()` lets the
 * event loop run once `sliceMs` have passed since it last did, and costs a clock read otherwise.
 */
export class LoopSlices {
  private last = performance.now();

  constructor(private readonly sliceMs = 8) {}

  async next(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
