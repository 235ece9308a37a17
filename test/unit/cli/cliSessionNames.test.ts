import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

interface Failed {
  code?: number;
  stdout?: string;
  stderr?: string;
}

/** The longest start two ids share. */
const shared = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
};

describe('the savepoint CLI names sessions: by the start of an id, as git takes a commit; a fork of a deleted session says so (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let ws: string;
  let ids: string[];
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', 'http://127.0.0.1:9'], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
  const a = () => readFile(join(ws, 'a.ts'), 'utf8');
  const listed = async () => (await cli('list')).stdout.trim().split('\n');
  /** The shortest start of `id` that no other session's id has. */
  const unique = (id: string) => {
    const longest = Math.max(...ids.filter((x) => x !== id).map((x) => shared(x, id).length));
    return id.slice(0, Math.max(longest + 1, 4));
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-prefix-'));
    ws = join(root, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.ts'), 'export const a = 1;\n');
    const server = await ScriptedModelServer.start([
      { type: 'message', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'a.ts', content: 'export const a = 2;\n' } }] },
      { type: 'message', content: [{ type: 'text', text: 'done' }] },
    ]);
    let first: string;
    try {
      const started = await run(process.execPath, [CLI, 'run', '--approvals', 'yes', 'count up', '--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
      first = (JSON.parse(started.stdout.trim().split('\n').pop() as string) as { sessionId: string }).sessionId;
    } finally {
      await server.close();
    }
    // Two forks: three sessions whose ids, made within moments, begin alike.
    const forks = [];
    for (const m of ['go on', 'try again']) forks.push((await cli('fork', first, '1', m)).stdout.split(/\s/)[0] as string);
    ids = [first, ...forks];
    assert.equal(new Set(ids).size, 3);
    assert.equal(await a(), 'export const a = 2;\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the start of an id, in any case, names the one session it begins: show, diff, a rewind and its undo, a fork', async () => {
    const [first] = ids as [string];
    const start = unique(first);
    assert.ok(start.length < first.length, `${start} is shorter than ${first}`);
    const shown = await cli('show', start.toLowerCase());
    assert.match(shown.stdout.split('\n')[0] as string, new RegExp(`^${first}  `), 'show prints the whole id of the session it found');
    assert.match((await cli('diff', start, '1')).stdout, /^## step 1 · a\.ts/);
    const rewound = await cli('rewind', start, '0', '--yes');
    assert.match(rewound.stdout, /rewound 1 file/);
    assert.equal(await a(), 'export const a = 1;\n');
    assert.match(rewound.stdout, new RegExp(`undo: savepoint undo-rewind ${first} `), 'the undo line names the whole id');
    await cli('undo-rewind', start, '--yes');
    assert.equal(await a(), 'export const a = 2;\n');
    const before = (await listed()).length;
    const fork = await cli('fork', start, '1', 'once more');
    assert.equal((await listed()).length, before + 1);
    ids.push(fork.stdout.split(/\s/)[0] as string);
  });

  it('a start that several ids share is refused (exit 2) with those sessions listed, and nothing is done', async () => {
    const common = ids.reduce(shared);
    assert.ok(common.length >= 4, `the ids share ${common}`);
    const before = await a();
    await assert.rejects(cli('rewind', common, '0', '--yes'), (e: Failed) => {
      assert.equal(e.code, 2, e.stderr);
      assert.match(e.stderr ?? '', new RegExp(`"${common}" is the start of ${ids.length} sessions' ids; give more of it \\(nothing was done\\)`));
      for (const id of ids) assert.ok(e.stderr?.includes(`  ${id}  `), `${id} is listed`);
      assert.equal(e.stdout, '');
      return true;
    });
    assert.equal(await a(), before, 'no rewind ran');
  });

  it('fewer than 4 characters, or a start no id has, is no session (exit 1), as before', async () => {
    const [first] = ids as [string];
    for (const arg of [first.slice(0, 3), `${first.slice(0, 6)}!`, 'ZZZZZZ']) {
      await assert.rejects(cli('show', arg), (e: Failed) => {
        assert.equal(e.code, 1, `${arg}: ${e.stderr}`);
        assert.match(e.stderr ?? '', new RegExp(`no session ${arg.replace(/[!]/g, '\\$&')}`));
        return true;
      });
    }
  });

  it('a negative step is refused as a step (exit 2), not as an unknown option whose advice led to a second refusal', async () => {
    const before = await a();
    await assert.rejects(cli('rewind', ids[0] as string, '-1', '--yes'), (e: Failed) => {
      assert.equal(e.code, 2, e.stderr);
      assert.equal(e.stderr, 'savepoint: a step is a whole number counted from the start (0: before the session), got "-1"; savepoint show SESSION lists the steps\n');
      return true;
    });
    assert.equal(await a(), before);
  });

  it('show of a session names the forks made from it, by step then age (the tree could be walked up from a fork only)', async () => {
    const [first, fork1, fork2] = ids as [string, string, string];
    const lines = (await cli('show', first)).stdout.split('\n');
    const at = (fork: string) => lines.findIndex((l) => new RegExp(`^  forked at step 1 into \\S.* \\(${fork}\\)$`).test(l));
    assert.ok(at(fork1) > 0 && at(fork2) > at(fork1), lines.slice(0, 6).join('\n'));
    assert.ok(!(await cli('show', fork1)).stdout.includes('forked at'), 'a fork with no forks of its own lists none');
  });

  it('list and show say "fork of a deleted session" for a fork whose source is gone (they named it as if it were there)', async () => {
    const [first, fork] = ids as [string, string];
    assert.match((await cli('show', fork)).stdout.split('\n')[0] as string, new RegExp(`\\(fork of ${first} at step 1; tokens and cost since the fork\\)`));
    const store = await openCheckpointStore({ dir: join(root, 'store'), onLocked: 'fail' });
    try {
      await store.deleteSession(first as SessionId, 'test');
    } finally {
      await store.close();
    }
    ids = ids.filter((x) => x !== first);
    const line = (await listed()).find((l) => l.startsWith(fork));
    assert.match(line ?? '', new RegExp(`\\(fork of a deleted session, ${first} at step 1; tokens and cost since the fork\\)`));
    assert.match((await cli('show', fork)).stdout.split('\n')[0] as string, new RegExp(`\\(fork of a deleted session, ${first} at step 1; tokens and cost since the fork\\)`));
  });
});
