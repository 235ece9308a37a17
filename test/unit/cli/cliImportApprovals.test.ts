import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { CLI } from './raiseASession';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const outcome = (r: CliRun) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sessionId: string; status: string };

/**
 * An approval goes with the person who gave it: a call approved where the session was exported, and
 * not run there, is asked about again where it is imported, before it runs; in its own store the
 * answer stands. Real CLI processes, real stores, the scripted model.
 */
describe('savepoint import: an approval given elsewhere is asked again before the call runs (child process)', function () {
  this.timeout(90_000);
  let root: string | undefined;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });
  const at = (...parts: string[]) => join(root as string, ...parts);
  const cli = (ws: string, store: string, ...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args, '--workspace', at(ws), '--store', at(store), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: at('data') } }, (e, stdout, stderr) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  /**
   * A session in `ws`/`store` whose `call` was approved (`savepoint approve`) and not run; exported to
   * s.json. `between`: done after the run parked at the question (before the export); `answer`: the
   * approve command's options. Its id.
   */
  async function approvedNotRun(call: { name: string; input: Record<string, unknown> }, between?: (id: string) => Promise<void>, answer: string[] = []): Promise<string> {
    root ??= await mkdtemp(join(tmpdir(), 'savepoint-cli-import-approvals-'));
    for (const ws of ['ws', 'ws2']) await mkdir(at(ws), { recursive: true });
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'x1', ...call }] },
      // The answer to the call's result, where the session was imported and where it was made.
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'x1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'x1' } },
    ]);
    const started = await cli('ws', 'store', 'run', '--approvals', 'park', 'make b');
    assert.equal(outcome(started).status, 'waiting', started.stderr);
    const id = outcome(started).sessionId;
    await between?.(id);
    const approved = await cli('ws', 'store', 'approve', id, ...answer);
    assert.equal(approved.code, 0, approved.stderr);
    const exported = await cli('ws', 'store', 'export', id, '--out', at('s.json'));
    assert.equal(exported.code, 0, exported.stderr);
    return id;
  }

  it('a write approved and not made: imported, it is asked again; rejected, it is never made', async () => {
    const id = await approvedNotRun({ name: 'write_file', input: { path: 'b.txt', content: 'made\n' } });
    const imported = await cli('ws2', 'fresh', 'import', at('s.json'));
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /1 call approved where it was exported is asked about again here before it runs\ncontinue it with `savepoint resume [0-9A-Z]+`: it asks about that call first/);
    const listed = await cli('ws2', 'fresh', 'list');
    assert.match(listed.stdout, /waiting/, listed.stdout);

    const resumed = await cli('ws2', 'fresh', 'resume', id, '--approvals', 'park');
    assert.equal(outcome(resumed).status, 'waiting', `${resumed.stderr}\n${resumed.stdout}`);
    assert.match(resumed.stderr, /approval needed: write_file/);
    assert.equal(existsSync(at('ws2', 'b.txt')), false, 'nothing is written before an answer here');

    const rejected = await cli('ws2', 'fresh', 'approve', id, '--reject', 'not here', '--resume');
    assert.equal(outcome(rejected).status, 'completed', `${rejected.stderr}\n${rejected.stdout}`);
    assert.equal(existsSync(at('ws2', 'b.txt')), false, 'a rejected write is never made');

    // In its own store the approval is the user's own: the write is made without a question.
    const own = await cli('ws', 'store', 'resume', id, '--approvals', 'park');
    assert.equal(outcome(own).status, 'completed', `${own.stderr}\n${own.stdout}`);
    assert.doesNotMatch(own.stderr, /approval needed/);
    assert.equal(await readFile(at('ws', 'b.txt'), 'utf8'), 'made\n');
  });

  it('a command approved and not run: imported, it runs only once approved here', async () => {
    const id = await approvedNotRun({ name: 'run_command', input: { command: 'echo ran > ran.txt' } });
    await writeFile(at('ws2', 'keep.txt'), 'x\n');
    const imported = await cli('ws2', 'fresh', 'import', at('s.json'));
    assert.equal(imported.code, 0, imported.stderr);

    const resumed = await cli('ws2', 'fresh', 'resume', id, '--approvals', 'park');
    assert.equal(outcome(resumed).status, 'waiting', `${resumed.stderr}\n${resumed.stdout}`);
    assert.match(resumed.stderr, /approval needed: run_command/);
    assert.equal(existsSync(at('ws2', 'ran.txt')), false, 'the command does not run before an answer here');

    const approved = await cli('ws2', 'fresh', 'approve', id, '--resume');
    assert.equal(outcome(approved).status, 'completed', `${approved.stderr}\n${approved.stdout}`);
    assert.equal(await readFile(at('ws2', 'ran.txt'), 'utf8'), 'ran\n');
  });

  it('a write over a file changed meanwhile, approved at its conflict question and not made: asked again; rejected, the file stays', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-import-approvals-'));
    for (const ws of ['ws', 'ws2']) {
      await mkdir(at(ws));
      await writeFile(at(ws, 'a.txt'), 'one\n2\nthree\n');
    }
    const id = await approvedNotRun({ name: 'write_file', input: { path: 'a.txt', content: 'one\nTWO\nthree\n' } }, async (sid) => {
      // The user changes the line the write changes while it waits: approved, it is asked about as a conflict.
      await writeFile(at('ws', 'a.txt'), 'one\nzwei\nthree\n');
      assert.equal((await cli('ws', 'store', 'approve', sid)).code, 0);
      const parked = await cli('ws', 'store', 'resume', sid, '--approvals', 'park');
      assert.match(parked.stderr, /conflict: write_file cannot be applied as planned/, parked.stderr);
      await writeFile(at('ws2', 'a.txt'), 'one\nzwei\nthree\n');
    });
    const imported = await cli('ws2', 'fresh', 'import', at('s.json'));
    assert.match(imported.stdout, /1 call approved where it was exported is asked about again here before it runs\ncontinue it with `savepoint resume [0-9A-Z]+`: it asks about that call first/, imported.stderr);

    const resumed = await cli('ws2', 'fresh', 'resume', id, '--approvals', 'park');
    assert.equal(outcome(resumed).status, 'waiting', `${resumed.stderr}\n${resumed.stdout}`);
    assert.match(resumed.stderr, /conflict: write_file cannot be applied as planned\n {2}- approved where the session was exported, not here: asked again before it runs/);
    assert.equal(await readFile(at('ws2', 'a.txt'), 'utf8'), 'one\nzwei\nthree\n', 'nothing is written before an answer here');

    const rejected = await cli('ws2', 'fresh', 'approve', id, '--reject', 'keep mine', '--resume');
    assert.equal(outcome(rejected).status, 'completed', `${rejected.stderr}\n${rejected.stdout}`);
    assert.equal(await readFile(at('ws2', 'a.txt'), 'utf8'), 'one\nzwei\nthree\n');

    // In its own store the user's answer to the conflict stands: their file is written over, unasked.
    const own = await cli('ws', 'store', 'resume', id, '--approvals', 'park');
    assert.equal(outcome(own).status, 'completed', `${own.stderr}\n${own.stdout}`);
    assert.equal(await readFile(at('ws', 'a.txt'), 'utf8'), 'one\nTWO\nthree\n');
  });

  it('a write approved with an edit, exported while it ran: asked again about the call as the model made it', async () => {
    const id = await approvedNotRun({ name: 'write_file', input: { path: 'b.txt', content: 'made\n' } }, undefined, ['--edit', JSON.stringify({ path: 'b.txt', content: 'edited\n' })]);
    const doc = JSON.parse(await readFile(at('s.json'), 'utf8')) as { session: { status: string } };
    await writeFile(at('running.json'), JSON.stringify({ ...doc, session: { ...doc.session, status: 'running' } }));
    const imported = await cli('ws2', 'fresh', 'import', at('running.json'), '--as-new');
    assert.match(imported.stdout, /; it was running when it was exported: marked interrupted; 1 call approved where it was exported is asked about again here before it runs\ncontinue it with `savepoint resume [0-9A-Z]+`: it asks about that call first/, imported.stderr);
    const fresh = /\(([0-9A-Z]{26})\) \(a new id/.exec(imported.stdout)?.[1] as string;
    assert.notEqual(fresh, id);

    const resumed = await cli('ws2', 'fresh', 'resume', fresh, '--approvals', 'park');
    assert.equal(outcome(resumed).status, 'waiting', `${resumed.stderr}\n${resumed.stdout}`);
    assert.match(resumed.stderr, /approval needed: write_file \{"path":"b\.txt","content":"made\\n"\}\n {2}- approved with an edit where the session was exported, not here: asked again before it runs, as the model made the call \(the edit is not carried\)\n/);
    assert.equal(existsSync(at('ws2', 'b.txt')), false, 'nothing is written before an answer here');
    const approved = await cli('ws2', 'fresh', 'approve', fresh, '--resume');
    assert.equal(outcome(approved).status, 'completed', `${approved.stderr}\n${approved.stdout}`);
    assert.equal(await readFile(at('ws2', 'b.txt'), 'utf8'), 'made\n');
  });
});
