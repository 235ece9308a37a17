import { writeFile } from 'node:fs/promises';
import type { Outliner } from '../core/runner/stepEffects';
import { StoreError } from '../core/store/errors';
import { exportSession, exportedWords } from '../core/store/sessionExport';
import type { SessionId } from '../core/store/types';
import type { Composed } from './compose';
import { err } from './terminalText';
import { UsageError } from './cliArgs';

/** `id`, once it is known to be a session of the store (exit 1 otherwise, as `show` says it). */
export async function existing(app: Composed, id: SessionId): Promise<SessionId> {
  if (!(await app.store.getSession(id))) throw new StoreError('SESSION_NOT_FOUND', `no session ${id} in this workspace`);
  return id;
}

/** The outliner for a preview's symbol lines, once it has loaded (undefined when the CLI is not code-aware or it failed to load). */
export async function symbolsOf(app: Composed): Promise<Outliner | undefined> {
  await app.outliner?.ready?.();
  return app.outliner;
}

/**
 * `export SESSION [--out FILE]`: the whole session as one JSON document (`sessionExport.ts`), on
 * standard output or in FILE (made anew: an existing file is not overwritten); what was exported is
 * said on stderr.
 */
export async function exportCommand(app: Composed, id: SessionId, file: string | undefined): Promise<number> {
  const body = await exportSession(app.store, id);
  const text = `${JSON.stringify(body, null, 2)}\n`;
  if (file === undefined) process.stdout.write(text);
  else {
    try {
      await writeFile(file, text, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file} exists already; give a new file to --out (nothing was written)`);
      throw e;
    }
  }
  err(`${exportedWords(body)}${file === undefined ? '' : ` to ${file}`}\n`);
  return 0;
}
