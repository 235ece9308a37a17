import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

describe('savepoint memory show with an id no memory has (child process)', function () {
  this.timeout(60_000);
  let root: string;
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('fails (exit 1) naming the id, as memory forget does: it printed "No such memory." and exited 0, so a script took it as found', async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-memshow-'));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store')], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
    for (const sub of ['show', 'forget']) {
      await assert.rejects(cli('memory', sub, '01NOSUCHMEMORY'), (e: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(e.code, 1, `${sub}: ${e.stderr}`);
        assert.equal(e.stdout, '', sub);
        assert.match(e.stderr ?? '', /^savepoint: no memory 01NOSUCHMEMORY/, sub);
        return true;
      });
    }
    assert.equal((await cli('memory', 'list')).stdout, 'No memories.\n');
  });
});
