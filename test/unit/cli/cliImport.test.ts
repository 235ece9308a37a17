import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionExport } from '../../../src/core/store/sessionExport';
import { openCheckpointStore } from '../../../src/core/store/openStore';
import type { SessionId } from '../../../src/core/store/types';
import { CLI, raiseASession } from './raiseASession';

const run = promisify(execFile);

type Failed = { code?: number; stderr?: string };

/**
 * `savepoint import`: the way back in for `savepoint export` (another machine, a backup). The export
 * of a session the real runner made with the scripted model goes into a fresh store: its timeline,
 * its words and its files' versions come back, a file kept by hash only stays so, and a damaged or
 * repeated import is refused without writing anything. Real CLI processes, real stores on disk.
 */
describe('savepoint import: an exported session comes back whole, or not at all (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let id: string;
  let file: string;
  let doc: SessionExport;
  const env = () => ({ ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') });
  /** The CLI on a workspace and a store of `root`. */
  const cli = (ws: string, store: string, ...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', join(root, ws), '--store', join(root, store), '--base-url', 'http://127.0.0.1:9'], { env: env(), maxBuffer: 64 * 1024 * 1024 });
  const refused = async (p: Promise<unknown>, code: number, message: RegExp) =>
    assert.rejects(p, (e: Failed) => {
      assert.equal(e.code, code, e.stderr);
      assert.match(e.stderr ?? '', message);
      return true;
    });
  /** `show` without its first line (the list row, whose time is the import's). */
  const steps = async (ws: string, store: string, sid: string) => (await cli(ws, store, 'show', sid)).stdout.split('\n').slice(1).join('\n');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-import-'));
    const ws = join(root, 'ws');
    await mkdir(join(root, 'ws2'));
    id = await raiseASession(ws, join(root, 'store'), env());
    file = join(root, 'session.json');
    await cli('ws', 'store', 'export', id, '--out', file);
    doc = JSON.parse(await readFile(file, 'utf8')) as SessionExport;
    assert.equal(doc.missing.length, 1, 'big.txt is kept by hash only');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('into a fresh store: the same steps and words, a rewind restores a file byte-exact, the file kept by hash only stays so', async () => {
    const { stdout } = await cli('ws2', 'fresh', 'import', file);
    assert.match(stdout, new RegExp(`^imported session raise a \\(${id}\\): ${doc.events.length} events, ${Object.keys(doc.blobs).length} stored contents; 1 content was recorded by hash only`));
    const shown = await steps('ws2', 'fresh', id);
    assert.equal(shown, await steps('ws', 'store', id), 'the timeline, times included');
    assert.match(shown, /Raising a to two\./);
    assert.match(shown, /All done: a is 2 now\./);
    // A rewind of the imported session in a fresh workspace (where a.ts is not: the user says to write it), byte for byte.
    assert.match((await cli('ws2', 'fresh', 'rewind', id, '0', '--yes', '--overwrite', 'a.ts')).stdout, /\nrewound 1 file\n/);
    assert.equal(await readFile(join(root, 'ws2', 'a.ts'), 'utf8'), 'export const a = 1;\n');
    await cli('ws2', 'fresh', 'rewind', id, '1', '--yes');
    assert.equal(await readFile(join(root, 'ws2', 'a.ts'), 'utf8'), 'export const a = 2;\n');
    // big.txt was recorded by its hash only: the imported session cannot bring it back either, and says so.
    const last = Math.max(...doc.events.map((e) => e.step));
    const preview = (await cli('ws2', 'fresh', 'rewind', id, String(last))).stdout;
    assert.match(preview, /big\.txt.*kept by hash only: not restorable/);
    assert.ok(!existsSync(join(root, 'ws2', 'big.txt')));
  });

  it('refuses a damaged file, naming the first damage, and writes nothing', async () => {
    const tampered = async (name: string, change: (x: SessionExport) => void) => {
      const x = JSON.parse(JSON.stringify(doc)) as SessionExport;
      change(x);
      const f = join(root, name);
      await writeFile(f, JSON.stringify(x));
      return f;
    };
    const hash = Object.keys(doc.blobs).find((h) => doc.blobs[h]?.encoding === 'utf8' && doc.blobs[h].data.includes('export const a = 1;')) as string;
    const byte = await tampered('byte.json', (x) => {
      const b = x.blobs[hash] as { data: string };
      b.data = b.data.replace('a = 1', 'a = 7');
    });
    await refused(cli('ws2', 'other', 'import', byte), 1, new RegExp(`content ${hash} does not match its hash.*nothing was imported`));
    const field = await tampered('field.json', (x) => {
      delete (x.events[3] as { type?: string }).type;
    });
    await refused(cli('ws2', 'other', 'import', field), 1, /damaged at events\[3\]\.type.*nothing was imported/);
    const format = await tampered('format.json', (x) => {
      (x as { format: string }).format = 'savepoint-session/3';
    });
    await refused(cli('ws2', 'other', 'import', format), 1, /its format is "savepoint-session\/3", not "savepoint-session\/2"; nothing was imported/);
    await refused(cli('ws2', 'other', 'show', id), 1, /no session/);
    assert.equal((await cli('ws2', 'other', 'list')).stdout, '');
  });

  it('a session running when it was exported comes in interrupted: nothing takes it for a live run', async () => {
    const f = join(root, 'running.json');
    await writeFile(f, JSON.stringify({ ...doc, session: { ...doc.session, status: 'running' } }));
    const { stdout } = await cli('ws2', 'running', 'import', f);
    assert.match(stdout, new RegExp(`; it was running when it was exported: marked interrupted\\ncontinue it with \`savepoint resume ${id}\`\\n$`));
    const shown = await cli('ws2', 'running', 'show', id);
    assert.equal(shown.stderr, '', 'no run to recover: it was never running here');
    assert.match(shown.stdout.split('\n')[0] ?? '', /interrupted/);
    assert.match(shown.stdout.trimEnd().split('\n').pop() ?? '', /interrupted.*imported while it was running/);
  });

  it('reads a file Windows PowerShell wrote (`export ID > file`: UTF-16 with a byte order mark), and one with a UTF-8 mark', async () => {
    const text = await readFile(file, 'utf8');
    await writeFile(join(root, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    await writeFile(join(root, 'bom8.json'), `\uFEFF${text}`);
    assert.match((await cli('ws2', 'utf16', 'import', join(root, 'utf16.json'))).stdout, new RegExp(`^imported session raise a \\(${id}\\)`));
    assert.equal(await steps('ws2', 'utf16', id), await steps('ws', 'store', id));
    assert.match((await cli('ws2', 'bom8', 'import', join(root, 'bom8.json'))).stdout, new RegExp(`^imported session raise a \\(${id}\\)`));
  });

  it('an import cut short (its session row written, its records not) does not block the next one', async () => {
    const store = await openCheckpointStore({ dir: join(root, 'cut'), onLocked: 'fail' });
    await store.createSession({ id: id as SessionId, title: doc.session.title, status: 'completed' });
    await store.close();
    const { stdout } = await cli('ws2', 'cut', 'import', file);
    assert.match(stdout, new RegExp(`^imported session raise a \\(${id}\\): ${doc.events.length} events`));
    assert.equal(await steps('ws2', 'cut', id), await steps('ws', 'store', id));
  });

  it('refuses a session the store has already; --as-new gives a second one', async () => {
    await refused(cli('ws', 'store', 'import', file), 2, /is in this workspace already; nothing was imported \(--as-new imports it as a new session\)/);
    const { stdout } = await cli('ws', 'store', 'import', file, '--as-new');
    const fresh = /\(([0-9A-Z]{26})\) \(a new id; it was ([0-9A-Z]{26})\)/.exec(stdout);
    assert.ok(fresh && fresh[1] !== id && fresh[2] === id, stdout);
    const ids = (await cli('ws', 'store', 'list')).stdout.trim().split('\n');
    assert.equal(ids.length, 2, ids.join('\n'));
    assert.equal((await steps('ws', 'store', fresh[1] as string)).split(id).join('ID'), (await steps('ws', 'store', id)).split(id).join('ID'));
  });

  it('import - reads the export from standard input; nothing there, or a terminal, is refused saying how', async () => {
    /** The CLI with `input` on its standard input. */
    const piped = (store: string, input: Buffer | string, ...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, [CLI, 'import', '-', ...args, '--workspace', join(root, 'ws2'), '--store', join(root, store)], { env: env() });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', fail);
        child.on('close', (code) => done({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const got = await piped('stdin', await readFile(file));
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`^imported session raise a \\(${id}\\): ${doc.events.length} events`));
    assert.equal(await steps('ws2', 'stdin', id), await steps('ws', 'store', id));
    const empty = await piped('stdin-empty', '');
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /import - read nothing from standard input: savepoint import - < session\.json, or savepoint export SESSION \| savepoint import - \(nothing was imported\)/);
    const damaged = await piped('stdin-damaged', '{"format": "savepoint-session/2"');
    assert.equal(damaged.code, 1, damaged.stderr);
    assert.match(damaged.stderr, /standard input: not a session export: it is not JSON/);
    // A terminal (a pty made by util-linux `script`) would wait for JSON typed by hand: refused at once.
    if (spawnSync('script', ['--version']).status !== 0) return;
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const line = [process.execPath, CLI, 'import', '-', '--workspace', join(root, 'ws2'), '--store', join(root, 'stdin-tty')].map(quote).join(' ');
    const tty = spawnSync('script', ['-qfec', line, '/dev/null'], { env: env(), encoding: 'utf8', timeout: 60_000 });
    assert.match(tty.stdout, /import - reads an export from standard input, which is a terminal here/, tty.stdout);
    assert.equal((await cli('ws2', 'stdin-tty', 'list').catch(() => ({ stdout: '' }))).stdout, '', 'nothing was imported');
  });

  it('an export too large to be read as one text (over 512 MiB) is refused saying so, not as a file it cannot read', async () => {
    // A sparse file: no disk used, and its size is all that matters (the bytes are never parsed).
    const huge = join(root, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, 2 ** 29);
    await refused(cli('ws2', 'huge', 'import', huge), 1, /huge\.json: the export is too large to import \(537 MB\): Savepoint reads an export as one text, at most 536,870,888 characters; nothing was imported/);
  });
});
