import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const outcome = (r: CliRun) => JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sessionId: string; status: string };

/**
 * An unfinished session moved to another machine goes on there: exported where a budget stopped it,
 * imported into a fresh store beside a fresh copy of the workspace, and resumed with the answer to
 * its budget question. Real CLI processes, real stores, the scripted model.
 */
describe('savepoint import: an unfinished session goes on where it was imported (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let server: ScriptedModelServer;
  afterEach(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('resumes the imported session: the model gets the conversation so far, the next step writes the file', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-import-resume-'));
    const cli = (ws: string, store: string, ...args: string[]): Promise<CliRun> =>
      new Promise((resolve) => {
        execFile(process.execPath, [CLI, ...args, '--workspace', join(root, ws), '--store', join(root, store), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } }, (e, stdout, stderr) =>
          resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    for (const ws of ['ws', 'ws2']) {
      await mkdir(join(root, ws));
      await writeFile(join(root, ws, 'a.txt'), 'hello\n');
    }
    server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'r1', name: 'read_file', input: { path: 'a.txt' } }] },
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'b.txt', content: 'hello again\n' } }], expect: { toolResultFor: 'r1' } },
      { type: 'message', content: [{ type: 'text', text: 'done' }], expect: { toolResultFor: 'w1' } },
    ]);
    const started = await cli('ws', 'store', 'run', '--approvals', 'yes', '--max-steps', '1', 'copy a.txt');
    assert.equal(outcome(started).status, 'waiting', started.stderr);
    const id = outcome(started).sessionId;
    const exported = await cli('ws', 'store', 'export', id, '--out', join(root, 's.json'));
    assert.equal(exported.code, 0, exported.stderr);
    const imported = await cli('ws2', 'fresh', 'import', join(root, 's.json'));
    assert.equal(imported.code, 0, imported.stderr);
    const resumed = await cli('ws2', 'fresh', 'resume', id, '--max-steps', '5', '--approvals', 'yes');
    assert.equal(outcome(resumed).status, 'completed', `${resumed.stderr}\n${resumed.stdout}`);
    assert.equal(await readFile(join(root, 'ws2', 'b.txt'), 'utf8'), 'hello again\n');
  });
});
