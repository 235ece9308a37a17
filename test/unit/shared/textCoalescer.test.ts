import assert from 'node:assert/strict';
import { type StreamBatch, TextCoalescer, type Timers } from '../../../src/shared/textCoalescer';

/** Timers that fire only when the test says so. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  let jobs: { fn: () => void; ms: number }[] = [];
  return {
    set: (fn, ms) => {
      const job = { fn, ms };
      jobs.push(job);
      return job;
    },
    clear: (h) => {
      jobs = jobs.filter((j) => j !== h);
    },
    fire: () => {
      const now = jobs;
      jobs = [];
      for (const j of now) j.fn();
    },
    pending: () => jobs.length,
  };
}

describe('streamed text is coalesced before it goes to the webview', () => {
  it('a burst of deltas within one interval becomes one batch', () => {
    const timers = manualTimers();
    const out: StreamBatch[] = [];
    const c = new TextCoalescer((b) => out.push(b), 50, timers);
    for (let i = 0; i < 500; i++) c.push(`t${i} `);
    assert.equal(out.length, 0, 'nothing before the interval ends');
    assert.equal(timers.pending(), 1, 'one timer for the whole burst');
    timers.fire();
    assert.equal(out.length, 1);
    assert.equal(out[0]?.text.split(' ').filter(Boolean).length, 500, 'no delta lost');
    assert.equal(out[0]?.reset, false);
  });

  it('with real timers, a fast stream makes a handful of messages, not hundreds', async () => {
    const out: StreamBatch[] = [];
    const c = new TextCoalescer((b) => out.push(b), 50);
    const end = Date.now() + 300;
    let sent = 0;
    while (Date.now() < end) {
      c.push('x');
      sent++;
      await new Promise((r) => setImmediate(r));
    }
    c.flushNow();
    assert.equal(out.map((b) => b.text).join('').length, sent);
    assert.ok(out.length <= 300 / 50 + 2, `${out.length} batches for ${sent} deltas`);
    assert.ok(sent > out.length * 5);
  });

  it('a retry voids the text so far: the batch says reset and carries the note', () => {
    const timers = manualTimers();
    const out: StreamBatch[] = [];
    const c = new TextCoalescer((b) => out.push(b), 50, timers);
    c.push('partial answer');
    c.discard('Retrying m1 in 0.5s');
    c.push('fresh');
    timers.fire();
    assert.deepEqual(out, [{ text: 'fresh', reset: true, notes: ['Retrying m1 in 0.5s'] }]);
  });

  it('flushNow sends what is pending at once; dispose drops it; empty intervals send nothing', () => {
    const timers = manualTimers();
    const out: StreamBatch[] = [];
    const c = new TextCoalescer((b) => out.push(b), 50, timers);
    c.push('a');
    c.flushNow();
    assert.deepEqual(out, [{ text: 'a', reset: false, notes: [] }]);
    assert.equal(timers.pending(), 0);
    c.push('b');
    c.dispose();
    timers.fire();
    c.flushNow();
    assert.equal(out.length, 1);
  });
});
