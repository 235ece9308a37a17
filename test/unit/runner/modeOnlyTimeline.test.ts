import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEvent } from '../../../src/core/runner/timeline';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import type { RunnerEvent } from '../../../src/core/runner/runEvents';
import { commandSession, keptSessions } from '../checkpoints/helpers/commandSession';

/**
 * A command that only sets or clears an execute bit (`chmod +x`, a checkout of a branch where the
 * script is executable): the contents are the same on both sides, so nothing of them is missing. The
 * sidebar said "contents not kept, kept by hash" ("a rewind cannot restore that version") and
 * `savepoint show` "its earlier contents were not at hand", though a rewind gives the bit back.
 */
describe('a change of the execute bit alone, in the timeline (real runner session, real files; POSIX)', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('is told as the bit set or cleared, never as contents not kept', async () => {
    const s = await commandSession(['chmod +x run.sh', 'chmod -x run.sh'], {
      prepare: async (ws) => {
        await writeFile(join(ws, 'run.sh'), 'echo run\n');
        await chmod(join(ws, 'run.sh'), 0o644);
      },
      keep,
    });
    const view = new TimelineViewLoader(s.h.store, s.id);
    await view.catchUp();
    const files = [...view.state.entries.values()].flatMap((e) => (e.kind === 'tool' ? e.files : []));
    assert.deepEqual(files, [
      { path: 'run.sh', kind: 'modified', added: 0, removed: 0 },
      { path: 'run.sh', kind: 'modified', added: 0, removed: 0 },
    ]);
    const lines: string[] = [];
    for await (const e of s.h.store.readEvents(s.id)) if (e.type === 'tool_result') lines.push(describeEvent({ type: e.type, data: e.data } as RunnerEvent));
    assert.match(lines[0] ?? '', /\n\s+M run\.sh \(execute bit set\)$/);
    assert.match(lines[1] ?? '', /\n\s+M run\.sh \(execute bit cleared\)$/);
    assert.doesNotMatch(lines.join('\n'), /not at hand|kept by hash/);
  });
});
