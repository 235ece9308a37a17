import { writeFile } from 'node:fs/promises';
import { exportSession, exportedWords } from '../core/store/sessionExport';
import type { SessionId } from '../core/store/types';
import type { Composed } from './compose';
import { err } from './terminalText';
import { UsageError } from './cliArgs';

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
