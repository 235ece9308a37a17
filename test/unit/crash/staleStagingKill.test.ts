import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { A3, NEW, contents, snapshotDir } from '../checkpoints/checkpointHarness';
import { finalText, toolUse } from '../runner/runnerHarness';
import { type Killed, builtKilled, child, crashDir, runChild, tempsUnder } from './crashChild';

const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');
const run = promisify(execFile);

/** The user's files, Savepoint's staged files left out. */
const files = async (ws: string) => Object.fromEntries(Object.entries(contents(await snapshotDir(ws))).filter(([p]) => !p.includes('.savepoint-')));
/** What the session left: the rewinds below are killed before their record, so never done. */
const AFTER = { 'README.md': '# demo\n', 'src/a.ts': A3, 'src/new.ts': NEW };

/** The staged files, as if written `minutes` ago: the user comes back that much later. */
async function age(k: Pick<Killed, 'ws'>, minutes: number): Promise<void> {
  const then = (Date.now() - minutes * 60_000) / 1000;
  for (const t of await tempsUnder(k.ws)) await utimes(join(k.ws, t), then, then);
}

/** The CLI started again on that workspace and store, with a command that does not retry the killed one (a rewind's preview). */
const cliPreview = (k: Killed) => run(process.execPath, [CLI, 'rewind', k.id, '1', '--workspace', k.ws, '--store', k.store], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(k.root, 'data') } });

describe('a rewind, an undo or an edit SIGKILLed after staging, before its record, and never done again (real process, real LevelDB)', function () {
  this.timeout(120_000);

  for (const op of ['rewind', 'undo'] as const) {
    it(`${op}: the CLI started 11 minutes later removes its staged files and changes no file of the user`, async () => {
      const k = await builtKilled();
      try {
        if (op === 'undo') assert.equal((await child(k, 'rewind', 'none')).code, 0);
        const before = await files(k.ws);
        const killed = await child(k, op, 'staged');
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.notDeepEqual(await tempsUnder(k.ws), [], 'the kill left staged files (the crash this test is about)');
        await age(k, 11);
        await cliPreview(k);
        assert.deepEqual(await tempsUnder(k.ws), [], 'staged files of a crashed operation no record names are left beside the user\'s files for good');
        assert.deepEqual(await files(k.ws), before);
        if (op === 'rewind') assert.deepEqual(before, AFTER);
      } finally {
        await k.done();
      }
    });
  }

  it('the CLI started right after the kill keeps the staged files (they may be another process\'s, still at work), and the next command removes them once stale', async () => {
    const k = await builtKilled();
    try {
      assert.equal((await child(k, 'rewind', 'staged')).signal, 'SIGKILL');
      const left = await tempsUnder(k.ws);
      assert.notDeepEqual(left, []);
      await age(k, 2);
      await cliPreview(k);
      assert.deepEqual(await tempsUnder(k.ws), left);
      assert.deepEqual(await files(k.ws), AFTER);
      // The walk that kept them is not remembered as done (the next one is not a day away): the next command removes them once stale.
      await age(k, 11);
      await cliPreview(k);
      assert.deepEqual(await tempsUnder(k.ws), []);
      assert.deepEqual(await files(k.ws), AFTER);
    } finally {
      await k.done();
    }
  });

  it('an edit SIGKILLed mid-apply, its session never resumed: a new CLI run 11 minutes later removes its staged file, src/a.ts as it was', async () => {
    const d = await crashDir([toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: "'v0'", new_text: "'v1'" }), finalText('something else done')], { 'src/a.ts': "export const v = 'v0';\n" });
    try {
      assert.equal((await runChild(d, 'apply').exited).signal, 'SIGKILL');
      assert.equal((await tempsUnder(d.ws)).length, 1, 'the killed write left its staged file');
      await age(d, 11);
      const env = { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(d.root, 'data') };
      await run(process.execPath, [CLI, 'run', 'something else', '--approvals', 'yes', '--workspace', d.ws, '--store', d.store, '--base-url', d.server.url], { env });
      assert.deepEqual(await tempsUnder(d.ws), []);
      assert.equal(await readFile(join(d.ws, 'src/a.ts'), 'utf8'), "export const v = 'v0';\n");
    } finally {
      await d.server.close();
      await rm(d.root, { recursive: true, force: true });
    }
  });
});
