import { resolve } from 'node:path';
import { loadWithCodeCache } from '../../src/core/node/codeCache';
import { tuneOwnProcess } from '../../src/core/node/ownProcess';

/**
 * The fresh rewind process as the product runs its code: `rewindChild.ts` bundled
 * (dist/bench-rewind.js, `npm run bench:checkpoints` builds it) and compiled through the code cache
 * as dist/cli.js compiles the CLI (src/core/node/codeCache.ts), the cache written at the end of the
 * process when it did not hold this use yet. The child says how its code was compiled (`code_cache`).
 *   node rewindBoot.js BUNDLE STORE SESSION WORKSPACE STEP
 */
const [bundle, ...args] = process.argv.slice(2);
if (!bundle) throw new Error('usage: rewindBoot.js BUNDLE STORE SESSION WORKSPACE STEP');
const file = resolve(bundle);
process.argv = [process.argv[0] as string, file, ...args];
// The settings of the CLI's rewind process, as dist/cli.js sets them for `rewind`.
tuneOwnProcess();
const child = loadWithCodeCache(file, 'bench-rewind');
// Read by the child when it prints its line, long after this (its rewind awaits the disk first).
process.env.SAVEPOINT_BENCH_CODE_CACHE = child.state;
process.once('exit', () => void child.save('rewind'));
