import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TUNED_COMMANDS } from '../../../src/core/node/ownProcess';
import { scratch } from '../tools/toolHarness';

const NODE_DIR = path.join(__dirname, '..', '..', '..', 'src', 'core', 'node');

/** A fresh process as dist/cli.js starts one: tuned or not (TUNE), then its bundle through the cache named NAME. */
const LOADER = `
const { loadWithCodeCache } = require(process.env.NODE_DIR + '/codeCache.js');
if (process.env.TUNE === '1') require(process.env.NODE_DIR + '/ownProcess.js').tuneOwnProcess();
const m = loadWithCodeCache(process.argv[2], process.env.NAME);
const state = m.state;
const sum = m.exports.run();
m.save('use');
console.log(JSON.stringify({ state, sum }));
`;

const BUNDLE = ['function add(a, b) { return a + b; }', 'module.exports.run = () => { let s = 0; for (let i = 0; i < 10; i++) s = add(s, i); return s; };'].join('\n');

describe("the CLI's own process settings (tuneOwnProcess) and the code cache", function () {
  this.timeout(60_000);
  const tmp = scratch('ownprocess');
  afterEach(() => tmp.cleanup());

  it('a tuned process keeps its own cache: each kind takes the one it made, alternately; under one name, V8 refuses the other kind\'s', async () => {
    const dir = await tmp.make({ 'loader.js': LOADER, 'app/bundle.js': BUNDLE });
    const run = (tune: boolean, name: string): { state: string; sum: number } =>
      JSON.parse(
        execFileSync(process.execPath, [path.join(dir, 'loader.js'), path.join(dir, 'app', 'bundle.js')], {
          env: { ...process.env, NODE_DIR, TUNE: tune ? '1' : '0', NAME: name, SAVEPOINT_CODE_CACHE: path.join(dir, 'cache') },
          encoding: 'utf8',
        }),
      );
    // As dist/cli.js names them: 'cli' and 'cli-tuned'.
    assert.equal(run(false, 'cli').state, 'none');
    assert.equal(run(true, 'cli-tuned').state, 'none');
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(run(false, 'cli'), { state: 'used', sum: 45 });
      assert.equal(run(true, 'cli-tuned').state, 'used');
    }
    // What the names prevent: one cache for both, each run refusing the other's and writing its own.
    assert.equal(run(true, 'shared').state, 'none');
    assert.equal(run(false, 'shared').state, 'rejected');
    assert.equal(run(true, 'shared').state, 'rejected');
  });

  it('is for a rewind and its undo only', () => {
    assert.deepEqual([...TUNED_COMMANDS].sort(), ['rewind', 'undo-rewind']);
  });
});
