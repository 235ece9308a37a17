import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { commandSession, keptSessions } from './helpers/commandSession';

describe('the diff of a step that changed a file mode', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('chmod +x shows as git shows it: the old and new mode, not an empty diff', async () => {
    const s = await commandSession(['chmod +x run.sh'], { prepare: (root) => writeFile(join(root, 'run.sh'), 'echo hi\n', { mode: 0o644 }), keep });
    const results = (await s.h.events(s.id)).flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
    assert.deepEqual(results[0]?.sideEffects?.map((e) => [e.path, e.kind, e.beforeExec, e.afterExec]), [['run.sh', 'modified', undefined, true]]);
    const [d] = await stepDiffs(s.h.store, s.id, { step: 1 });
    assert.equal(d?.diff, 'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n');
  });

  it('a change of mode and contents shows the mode lines above the line diff', async () => {
    const s = await commandSession(["chmod -x run.sh && printf 'echo bye\\n' > run.sh"], { prepare: (root) => writeFile(join(root, 'run.sh'), 'echo hi\n', { mode: 0o755 }), keep });
    const [d] = await stepDiffs(s.h.store, s.id, { step: 1 });
    assert.match(d?.diff ?? '', /^diff --git a\/run\.sh b\/run\.sh\nold mode 100755\nnew mode 100644\n[\s\S]*--- a\/run\.sh\n\+\+\+ b\/run\.sh\n[\s\S]*-echo hi\n\+echo bye\n/);
  });
});
