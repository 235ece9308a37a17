import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionExport } from '../../../src/core/store/sessionExport';
import { CLI, raiseASession } from './raiseASession';

const run = promisify(execFile);

/**
 * `savepoint export` (and the editor's Export Session, which writes the same document): the journal
 * names the conversation and the files' versions by hash only, so an export of the events alone held
 * no word of what was said or written. The export carries the contents too, and names what the store
 * never kept (a file over the size limit). Real CLI processes, a real store, the scripted model.
 */
describe('savepoint export: the whole session, its conversation and file versions included (child process)', function () {
  this.timeout(90_000);
  let root: string;
  let ws: string;
  let id: string;
  const env = () => ({ ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') });
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', join(root, 'store'), '--base-url', 'http://127.0.0.1:9'], { env: env(), maxBuffer: 64 * 1024 * 1024 });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'savepoint-cli-export-'));
    ws = join(root, 'ws');
    id = await raiseASession(ws, join(root, 'store'), env());
    assert.equal((await readFile(join(ws, 'big.txt'))).length, 1_200_000);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('prints one JSON document with every event and the contents they name: the messages, the file versions; a file over the limit is listed as missing', async () => {
    const { stdout, stderr } = await cli('export', id);
    const x = JSON.parse(stdout) as SessionExport;
    assert.equal(x.format, 'savepoint-session/2');
    assert.equal(x.session.id, id);
    assert.ok(x.events.length > 5 && x.events[0]?.type === 'session_started', x.events.map((e) => e.type).join(' '));
    const text = (h: unknown) => {
      const b = x.blobs[h as string];
      assert.ok(b, `blob ${String(h)} is in the export`);
      return b.encoding === 'utf8' ? b.data : Buffer.from(b.data, 'base64').toString('utf8');
    };
    // The conversation: each message the journal names is in the export, with its words.
    const messages = x.events.filter((e) => e.type === 'message_added').map((e) => text((e.data as { message: string }).message));
    assert.ok(messages.some((m) => m.includes('wrote a.ts')), `the results sent to the model: ${messages.join(' | ').slice(0, 300)}`);
    const turns = x.events.filter((e) => e.type === 'model_turn').map((e) => text((e.data as { message: string }).message));
    assert.ok(turns.some((m) => m.includes('Raising a to two.')), 'the words beside the call');
    assert.ok(turns.some((m) => m.includes('All done: a is 2 now.')), "the model's last answer");
    // The file's versions, before and after the edit.
    const edit = x.events.find((e) => e.type === 'tool_started' && (e.data as { mutations?: unknown[] }).mutations?.length);
    const m = (edit?.data as { mutations: { path: string; beforeHash: string; afterHash: string }[] }).mutations[0];
    assert.equal(m?.path, 'a.ts');
    assert.equal(text(m?.beforeHash), 'export const a = 1;\n');
    assert.equal(text(m?.afterHash), 'export const a = 2;\n');
    // big.txt was recorded by hash and size only: named as missing, with why, not silently dropped.
    assert.equal(x.missing.length, 1, JSON.stringify(x.missing));
    assert.match(x.missing[0]?.reason ?? '', /hash and size only/);
    assert.ok(!Object.values(x.blobs).some((b) => b.data.length >= 1_200_000), 'no content the store did not keep');
    assert.match(stderr, /^exported \d+ events and \d+ stored contents \(\d+ KB\); 1 content is not in the store/);
  });

  it('--out writes a new file and never overwrites one; an unknown session exits 1', async () => {
    const file = join(root, 'session.json');
    const { stdout, stderr } = await cli('export', id.slice(0, 8), '--out', file);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as SessionExport).session.id, id);
    await writeFile(file, 'mine\n');
    await assert.rejects(cli('export', id, '--out', file), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 2, e.stderr);
      assert.match(e.stderr ?? '', /exists already; give a new file to --out \(nothing was written\)/);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), 'mine\n');
    await assert.rejects(cli('export', 'ZZZZZZZZ'), (e: { code?: number }) => e.code === 1);
  });
});
