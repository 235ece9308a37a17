import { join } from 'node:path';
import { loadWithCodeCache } from '../core/node/codeCache';
import { TUNED_COMMANDS, tuneOwnProcess } from '../core/node/ownProcess';

/**
 * The CLI as it is run (dist/cli.js): the bundle of savepoint.ts beside it (cli-main.js), compiled
 * through the code cache; a rewind's process is tuned first (`tuneOwnProcess`). A command the cache
 * has not seen yet writes it when the process ends, so that the next run of that command starts
 * with its code compiled.
 */
const command = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'help';
const tuned = TUNED_COMMANDS.has(command);
if (tuned) tuneOwnProcess();
const cli = loadWithCodeCache(join(__dirname, 'cli-main.js'), tuned ? 'cli-tuned' : 'cli');
process.once('exit', () => void cli.save(command));
