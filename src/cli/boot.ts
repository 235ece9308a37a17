import { join } from 'node:path';
import { loadWithCodeCache } from '../core/node/codeCache';

/**
 * The CLI as it is run (dist/cli.js): the bundle of savepoint.ts beside it (cli-main.js), compiled
 * through the code cache. A command the cache has not seen yet writes it when the process ends, so
 * that the next run of that command starts with its code compiled.
 */
const cli = loadWithCodeCache(join(__dirname, 'cli-main.js'), 'cli');
const command = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'help';
process.once('exit', () => void cli.save(command));
