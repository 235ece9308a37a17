import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { StoreError } from '../core/store/errors';
import { ImportError, exportText, importSession, importedWords, parseExport } from '../core/store/sessionImport';
import type { Composed } from './compose';
import { UsageError } from './cliArgs';
import { out, terminalLine } from './terminalText';

/**
 * The bytes of the export: FILE's, or with `-` what standard input holds to its end (`export` writes
 * to standard output: `savepoint export ID | savepoint import - --store …`). A terminal there, or
 * nothing: a UsageError (a terminal would wait for JSON typed by hand).
 */
async function exportBytes(file: string): Promise<Uint8Array> {
  if (file !== '-') {
    try {
      return await readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message} (nothing was imported)`);
    }
  }
  const usage = 'savepoint import - < session.json, or savepoint export SESSION | savepoint import -';
  if (process.stdin.isTTY) throw new UsageError(`import - reads an export from standard input, which is a terminal here: ${usage} (nothing was imported)`);
  const bytes = await buffer(process.stdin);
  if (bytes.length === 0) throw new UsageError(`import - read nothing from standard input: ${usage} (nothing was imported)`);
  return bytes;
}

/**
 * `import FILE [--as-new]`: a session written by `export` (or the editor's Export Session) into this
 * workspace's store, whole or not at all (FILE `-`: standard input). The session there already:
 * exit 2 (nothing was done), unless --as-new, which gives it a new id. A damaged file: exit 1,
 * naming the first damage.
 */
export async function importCommand(app: Composed, file: string | undefined, asNew: boolean): Promise<number> {
  if (!file) throw new UsageError('import needs the file an export wrote (savepoint export SESSION --out FILE), or - for standard input');
  const bytes = await exportBytes(file);
  try {
    const r = await importSession(app.store, parseExport(exportText(bytes)), { asNew });
    const s = r.session;
    const renamed = r.from !== s.id ? ` (a new id; it was ${r.from})` : '';
    const again = r.askedAgain ? `: it asks about ${r.askedAgain === 1 ? 'that call' : 'those calls'} first (or answer with \`savepoint approve ${s.id}\`)` : '';
    const next = r.wasRunning || r.askedAgain ? `\ncontinue it with \`savepoint resume ${s.id}\`${again}` : '';
    out(`imported session ${terminalLine(s.title)} (${s.id})${renamed}: ${importedWords(r)}${next}\n`);
    return 0;
  } catch (e) {
    if (ImportError.is(e, 'EXISTS')) throw new UsageError(`${e.message} (--as-new imports it as a new session)`);
    if (ImportError.is(e)) throw new StoreError('INVALID_ARGUMENT', `${file === '-' ? 'standard input' : file}: ${e.message}; nothing was imported`);
    throw e;
  }
}
