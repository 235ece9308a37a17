import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

interface Refusal {
  code?: number;
  stdout?: string;
  stderr?: string;
}

describe('the savepoint CLI refuses an option given twice, or answers that exclude each other, instead of keeping one (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let ws: string;
  let id: string;
  const env = () => ({ ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') });
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', 'http://127.0.0.1:9'], { env: env() });
  const refused = (args: string[], message: RegExp) =>
    assert.rejects(cli(...args), (e: Refusal) => {
      assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
      assert.match(e.stderr ?? '', message, args.join(' '));
      assert.equal(e.stdout, '', `${args.join(' ')} printed nothing`);
      return true;
    });
  const a = () => readFile(join(ws, 'a.ts'), 'utf8');
  const listed = async () => (await cli('list')).stdout.trim().split('\n');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-repeated-'));
    ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    // Two edits, then a command past the approval: the session waits for an answer.
    const server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'tool_use', id: 'w2', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 3;\n' } }] },
      { type: 'message', content: [{ type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'echo hi' } }] },
    ]);
    try {
      const started = await run(process.execPath, [CLI, 'run', '--approvals', 'yes', '--max-steps', '2', 'count up', '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env: env() }).catch((e: Refusal) => e);
      id = (JSON.parse((started.stdout ?? '').trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    } finally {
      await server.close();
    }
    assert.equal(await a(), 'export const a = 3;\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('an option that takes one value, given twice with different values, is refused naming both: the first was dropped without a word', async () => {
    const before = await listed();
    await refused(['fork', id, '1', '--message', 'use tabs', '--message', 'use spaces'], /^savepoint: --message is given twice \("use tabs", then "use spaces"\); give it once \(nothing was done\)\n$/);
    await refused(['rewind', id, '1', '--mode', 'both', '--mode', 'files', '--yes'], /--mode is given twice \("both", then "files"\)/);
    await refused(['list', '--store', join(root, 'other')], /--store is given twice/);
    assert.deepEqual(await listed(), before, 'no fork was made');
    assert.equal(await a(), 'export const a = 3;\n', 'no rewind ran');
    // The same value twice (a script that adds an option already there) and options meant to repeat are taken.
    assert.match((await cli('rewind', id, '1', '--mode', 'files', '--mode', 'files')).stdout, /nothing written: add --yes/);
    assert.match((await cli('rewind', id, '1', '--model', 'a', '--model', 'b')).stdout, /^restore/);
  });

  it('approve with more than one of --reject, --respond and --edit is refused: it recorded the reject and dropped the others', async () => {
    const before = (await cli('show', id)).stdout;
    await refused(['approve', id, '--reject', 'no', '--respond', 'why?'], /^savepoint: approve takes one answer: --reject, --respond or --edit, not --reject and --respond \(nothing was done\)\n$/);
    await refused(['approve', id, '--respond', 'x', '--edit', '{}'], /not --respond and --edit/);
    assert.equal((await cli('show', id)).stdout, before, 'no answer was recorded');
    assert.match((await cli('list')).stdout, /waiting/);
  });
});
