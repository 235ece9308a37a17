import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeCacheDir } from '../../../src/core/node/codeCache';
import { scratch } from '../tools/toolHarness';

const MODULE = path.join(__dirname, '..', '..', '..', 'src', 'core', 'node', 'codeCache.js');

/** A bundle as webpack makes one: CommonJS, its own requires, __dirname, a throw on its first line. */
const bundle = (version: number) =>
  [
    "module.exports.fail = () => { throw new Error('boom'); };",
    "const path = require('node:path');",
    'const topThis = this;',
    'function add(a, b) { return a + b; }',
    `module.exports.run = () => ({ sum: add(2, 3), version: ${version}, dir: __dirname, file: __filename, base: path.basename(__filename), topThisIsExports: topThis === module.exports, loaded: typeof module.loaded });`,
  ].join('\n');

/** The loader in a fresh process, as dist/cli.js runs the CLI: load, run, save; prints what it saw. */
const LOADER = `
const { loadWithCodeCache } = require(process.env.CODE_CACHE_MODULE);
const m = loadWithCodeCache(process.argv[2], process.env.CACHE_NAME || 'test');
const state = m.state;
const run = m.exports.run();
let stack = '';
try { m.exports.fail(); } catch (e) { stack = e.stack; }
const saved = m.save(process.argv[3]);
console.log(JSON.stringify({ state, after: m.state, run, saved, stack, file: m.file }));
`;

interface Seen {
  state: string;
  run: { sum: number; version: number; dir: string; file: string; base: string; topThisIsExports: boolean };
  saved: boolean;
  stack: string;
  file?: string;
}

describe('code cache (the bundles compiled through V8 cached data)', function () {
  this.timeout(60_000);
  const tmp = scratch('codecache');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const dir = await tmp.make({ 'loader.js': LOADER, 'app/bundle.js': bundle(1) });
    const cache = path.join(dir, 'cache');
    const run = (use: string, cacheSetting: string = cache, name = 'test'): Seen =>
      JSON.parse(
        execFileSync(process.execPath, [path.join(dir, 'loader.js'), path.join(dir, 'app', 'bundle.js'), use], {
          env: { ...process.env, CODE_CACHE_MODULE: MODULE, SAVEPOINT_CODE_CACHE: cacheSetting, CACHE_NAME: name },
          encoding: 'utf8',
        }),
      ) as Seen;
    const files = () => readdirSync(cache).sort();
    return { dir, cache, run, files };
  }

  it('compiles without a cache the first time and writes it; the next process starts from it', async () => {
    const { dir, cache, run, files } = await setup();
    const first = run('list');
    assert.equal(first.state, 'none');
    assert.equal(first.saved, true);
    // The bundle runs as `require` would run it: its own require, __dirname, __filename, `this` its exports.
    assert.deepEqual(first.run, { sum: 5, version: 1, dir: path.join(dir, 'app'), file: path.join(dir, 'app', 'bundle.js'), base: 'bundle.js', topThisIsExports: true, loaded: 'boolean' });
    // Columns on the bundle's first line are the file's (a minified bundle is one line).
    const col = bundle(1).split('\n')[0]!.indexOf('new Error') + 1;
    assert.match(first.stack, new RegExp(`bundle\\.js:1:${col}\\b`));
    assert.equal(files().length, 1);
    assert.match(files()[0]!, /^test-[0-9a-f]{24}\.bin$/);
    assert.equal(first.file, path.join(cache, files()[0]!));

    const second = run('list');
    assert.equal(second.state, 'used');
    assert.equal(second.saved, false, 'a use the cache holds is not written again');
    assert.equal(second.run.sum, 5);
    const third = run('rewind');
    assert.equal(third.state, 'used');
    assert.equal(third.saved, true, 'a use it does not hold yet is written');
    const head = readFileSync(first.file as string).toString('latin1').split('\n')[1] as string;
    assert.deepEqual((JSON.parse(head) as { uses: string[] }).uses, ['list', 'rewind']);
    assert.equal(run('rewind').saved, false);
  });

  it('a torn or altered cache is not used, and is written again', async () => {
    const { run, files, cache } = await setup();
    const file = run('list').file as string;
    const raw = readFileSync(file);
    raw[raw.length - 10] = (raw[raw.length - 10] as number) ^ 0xff;
    writeFileSync(file, raw);
    const damaged = run('list');
    assert.equal(damaged.state, 'damaged');
    assert.equal(damaged.run.sum, 5);
    assert.equal(damaged.saved, true);
    assert.equal(run('list').state, 'used');
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    assert.equal(run('list').state, 'damaged');
    writeFileSync(file, 'not a cache');
    assert.equal(run('list').state, 'damaged');
    assert.deepEqual(files(), [path.basename(file)]);
    assert.ok(cache);
  });

  it('a cache V8 refuses (its checksum right, its contents not V8\'s) is compiled without, and replaced', async () => {
    const { run } = await setup();
    const file = run('list').file as string;
    const payload = Buffer.from('these bytes are not code V8 cached');
    const head = JSON.stringify({ uses: ['list'], sha256: createHash('sha256').update(payload).digest('hex') });
    writeFileSync(file, Buffer.concat([Buffer.from(`savepoint code cache 1\n${head}\n`), payload]));
    const refused = run('list');
    assert.equal(refused.state, 'rejected');
    assert.equal(refused.run.sum, 5);
    assert.equal(refused.saved, true, 'written again although it named this use');
    assert.equal(run('list').state, 'used');
  });

  it('another build of the bundle has its own cache; only the three latest are kept, and never one of a name that starts alike', async () => {
    const { dir, cache, run, files } = await setup();
    // As the CLI's 'cli' and 'cli-tuned' (a rewind's process, tuneOwnProcess).
    const other = path.basename(run('rewind', cache, 'test-tuned').file as string);
    const names: string[] = [];
    for (let v = 1; v <= 5; v++) {
      writeFileSync(path.join(dir, 'app', 'bundle.js'), bundle(v));
      const seen = run('list');
      assert.equal(seen.state, 'none', `version ${v} never starts from another version's cache`);
      assert.equal(seen.run.version, v);
      names.push(path.basename(seen.file as string));
      // Written one after the other within a millisecond, the order by time must still be seen.
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(files(), [...names.slice(2), other].sort(), "the other name's cache stays");
    assert.equal(run('list').state, 'used');
  });

  it('SAVEPOINT_CODE_CACHE=off compiles without it and writes nothing', async () => {
    const { run, cache } = await setup();
    const off = run('list', 'off');
    assert.equal(off.state, 'off');
    assert.equal(off.saved, false);
    assert.equal(off.file, undefined);
    assert.equal(off.run.sum, 5);
    assert.throws(() => readdirSync(cache), /ENOENT/);
  });

  it('lives in the user\'s cache folder by default', () => {
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), path.join('/c', 'savepoint', 'code-cache'));
    assert.match(codeCacheDir({}, 'linux') as string, /\.cache[\\/]savepoint[\\/]code-cache$/);
    assert.match(codeCacheDir({}, 'darwin') as string, /Library[\\/]Caches[\\/]savepoint[\\/]code-cache$/);
    assert.equal(codeCacheDir({ LOCALAPPDATA: 'L' }, 'win32'), path.join('L', 'savepoint', 'code-cache'));
    assert.equal(codeCacheDir({ SAVEPOINT_CODE_CACHE: 'off' }, 'linux'), undefined);
    assert.equal(codeCacheDir({ SAVEPOINT_CODE_CACHE: '/x' }, 'linux'), '/x');
  });
});
