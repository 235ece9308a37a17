import assert from 'node:assert/strict';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import type { SideEffect, ToolResultData } from '../../../src/core/runner/runEvents';
import { describeEvent } from '../../../src/core/runner/timeline';
import { applyEvents, emptyTimeline } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * Text files a command writes past the capture's text budget are recorded by hash and size only:
 * the timeline, the CLI's lines and the sidebar say so, and a rewind to after that step says it
 * cannot restore them instead of finding out when it skips them.
 */
describe('text files past the capture budget', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('are marked in the step, said so in the timeline and the sidebar, and not restorable by a rewind to after the step', async () => {
    // Three files of 8 KB against a budget of 10 KB (standing for 256 MB against a huge generator's output).
    const write = `"${process.execPath}" -e 'for (const n of ["a", "b", "c"]) require("fs").writeFileSync(n + ".ts", ("export const " + n + " = 1;\\n").repeat(500))'`;
    const s = await commandSession([write, 'rm a.ts b.ts c.ts'], { capture: { textBytesPerCapture: 10 * 1024, gitContents: false }, keep });
    const events: JournalEvent[] = [];
    for await (const e of s.h.store.readEvents(s.id)) events.push(e);
    const first = events.find((e) => e.type === 'tool_result') as JournalEvent<ToolResultData>;
    const effects = first.data.sideEffects as SideEffect[];
    assert.equal(effects.length, 3);
    const unkept = effects.filter((e) => e.afterUnkept).map((e) => e.path);
    assert.equal(unkept.length, 2, 'one file of 8 KB fits in 10 KB, two do not');
    const line = describeEvent(first as never);
    for (const p of unkept) assert.match(line, new RegExp(`A ${p.replace('.', '\\.')} \\(its new contents were not kept, being over the capture's text budget: kept by hash and size only, none -> 10000 bytes\\)`), line);

    const state = emptyTimeline();
    applyEvents(state, events, { messageText: () => undefined, lineStats: () => undefined });
    const files = [...state.entries.values()].flatMap((e) => (e.kind === 'tool' && e.callId === first.data.callId ? e.files : []));
    assert.deepEqual(files.filter((f) => f.hashOnly === 'not kept').map((f) => [f.path, f.afterUnkept]), unkept.map((p) => [p, true]));

    const plan = await planRewind(s.h.store, s.ws, s.id, 1);
    assert.deepEqual(plan.files.filter((f) => !f.restorable).map((f) => f.path).sort(), unkept.sort(), 'the file whose bytes were kept is restorable, the others are not');
  });
});
