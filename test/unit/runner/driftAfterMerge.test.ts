import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import type { BlobHash } from '../../../src/core/store/types';
import { A0, FILES } from '../checkpoints/checkpointHarness';
import { Crash, ScriptedGate, crashAt, finalText, harness, toolUse, type Harness } from './runnerHarness';

describe('the drift note of a resume that merged a pending edit', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the session\'s own merged edit is not reported as a change made outside the session on the next resume', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }),
        toolUse('e2', 'edit_file', { path: 'src/a.ts', old_text: 'return 2;', new_text: 'return 20;' }, { toolResultFor: 'e1' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e2' }),
        finalText('done', { toolResultFor: 'c1' }),
      ],
      FILES,
    );
    const id = await h.start(h.runner());
    // e1 runs, e2 waits for the user.
    assert.equal((await h.runner(new ScriptedGate((r) => (r.approvalId.includes(':e2:') ? 'park' : { decision: 'approve' }))).run(id)).status, 'waiting');
    // Meanwhile the user adds a line at the top, away from both edits.
    const file = join(h.workspace, 'src/a.ts');
    const user = `// reviewed\n${A0.replace('return 1;', 'return 10;')}`;
    await writeFile(file, user);
    // e2 approved: merged with the user's line; c1 waits.
    assert.equal((await h.runner(new ScriptedGate((r) => (r.approvalId.includes(':c1:') ? 'park' : { decision: 'approve' }))).run(id)).status, 'waiting');
    const merged = user.replace('return 2;', 'return 20;');
    assert.equal(await readFile(file, 'utf8'), merged);
    // Nothing touched the file since: the session wrote these very bytes.
    const [d] = (await detectDrift(h.store, new NodeWorkspace(h.workspace), id)).filter((x) => x.path === 'src/a.ts');
    assert.equal(d?.kind, 'unchanged', `the session's own edit is reported as an outside change:\n${d?.diff ?? ''}`);
    // And so the model is not told, on the next resume, that its own edit was made outside the session.
    assert.equal((await h.runner().run(id)).status, 'completed');
    const notes = (await h.events(id)).flatMap((e) => (e.type === 'message_added' && e.data.reason === 'drift' ? [e.data.message] : []));
    for (const n of notes) assert.doesNotMatch(new TextDecoder().decode(await h.store.getBlob(n as BlobHash)), /\+ +return 20;/, 'a drift note tells the model its own edit was made outside the session');
  });

  it('an edit in flight at a crash, merged at resume with the user\'s change, is not reported as an outside change next time', async () => {
    h = await harness(
      [
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 2;', new_text: 'return 20;' }),
        toolUse('c1', 'run_command', { command: 'true' }, { toolResultFor: 'e1' }),
        finalText('done', { toolResultFor: 'c1' }),
      ],
      FILES,
    );
    const id = await h.start(h.runner());
    await assert.rejects(h.runner(new ScriptedGate(), { probe: crashAt('inside:edit_file') }).run(id), Crash);
    const file = join(h.workspace, 'src/a.ts');
    await writeFile(file, `// reviewed\n${A0}`);
    assert.equal((await h.runner(new ScriptedGate((r) => (r.approvalId.includes(':c1:') ? 'park' : { decision: 'approve' }))).run(id)).status, 'waiting');
    assert.equal(await readFile(file, 'utf8'), `// reviewed\n${A0.replace('return 2;', 'return 20;')}`);
    assert.equal((await h.runner().run(id)).status, 'completed');
    const notes = (await h.events(id)).flatMap((e) => (e.type === 'message_added' && e.data.reason === 'drift' ? [e.data.message] : []));
    for (const n of notes) assert.doesNotMatch(new TextDecoder().decode(await h.store.getBlob(n as BlobHash)), /\+ +return 20;/, 'a drift note tells the model its own edit was made outside the session');
  });
});
