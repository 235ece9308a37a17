import { stdoutSink, writeInPieces } from '../core/node/piecewiseFile';
import { exportedWords, writeSessionExport } from '../core/store/sessionExport';
import type { SessionId } from '../core/store/types';
import type { Composed } from './compose';
import { err } from './terminalText';
import { UsageError } from './cliArgs';

/**
 * `export SESSION [--out FILE]`: the whole session as one JSON document (`sessionExport.ts`), on
 * standard output or in FILE, written as it is read (any size). FILE is made anew, whole or not at
 * all: an existing file is not overwritten. What was exported is said on stderr.
 */
export async function exportCommand(app: Composed, id: SessionId, file: string | undefined): Promise<number> {
  const write = async (sink: (text: string) => Promise<void>) => {
    const summary = await writeSessionExport(app.store, id, sink);
    await sink('\n');
    return summary;
  };
  let summary;
  if (file === undefined) summary = await write(stdoutSink());
  else {
    try {
      summary = await writeInPieces(file, write, { replace: false });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file} exists already; give a new file to --out (nothing was written)`);
      throw e;
    }
  }
  err(`${exportedWords(summary)}${file === undefined ? '' : ` to ${file}`}\n`);
  return 0;
}
