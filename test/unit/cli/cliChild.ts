import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StepInput } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

const run = promisify(execFile);

/** The compiled CLI, run as a child process. */
export const CLI = join(__dirname, '..', '..', '..', 'src', 'cli', 'savepoint.js');

export interface CliScratch {
  root: string;
  ws: string;
  store: string;
  server: ScriptedModelServer;
  /** The CLI on `ws` and `store`, talking to `server`, without an API key; rejects on a non-zero exit as execFile does. */
  cli(...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/**
 * For a `describe` whose tests run the CLI in a child process: `make(steps)` gives a temporary root
 * with an empty workspace and a scripted model server, both removed after the test.
 */
export function cliScratch(prefix: string): (steps: StepInput[]) => Promise<CliScratch> {
  let made: CliScratch | undefined;
  afterEach(async () => {
    await made?.server.close();
    if (made) await rm(made.root, { recursive: true, force: true });
    made = undefined;
  });
  return async (steps) => {
    const root = await mkdtemp(join(tmpdir(), prefix));
    const ws = join(root, 'ws');
    await mkdir(ws);
    const server = await ScriptedModelServer.start(steps);
    const store = join(root, 'store');
    const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workspace', ws, '--store', store, '--base-url', server.url], { env: { ...process.env, ANTHROPIC_API_KEY: '', XDG_DATA_HOME: join(root, 'data') } });
    made = { root, ws, store, server, cli };
    return made;
  };
}
