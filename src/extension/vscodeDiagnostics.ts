import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, Diagnostics, Severity } from '../core/ports/diagnostics';
import { TsServerFiles } from './tsServerFiles';

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** No diagnostics change for this long: the language servers have caught up. */
const QUIET_MS = 500;
/** A step never waits longer than this for them. */
const MAX_WAIT_MS = 5000;
const MAX_OPENED = 20;

/**
 * The Diagnostics port on VS Code's own problems (language servers, linters the user runs), and on
 * the TypeScript server asked directly about the scripts the session changes (`TsServerFiles`): it
 * puts in the Problems view only files shown in tabs.
 */
export class VscodeDiagnostics implements Diagnostics {
  private readonly scripts: TsServerFiles;

  constructor(private readonly root: string) {
    this.scripts = new TsServerFiles(vscode.Uri.file(root));
  }

  /** Before a step changes them: the scripts among them are asked about from now on (the others are as `reports` says). */
  async prepare(paths: readonly string[]): Promise<void> {
    this.scripts.track(paths);
  }

  /**
   * The changed files are opened (not shown): linters that check open documents compute their
   * problems. Then this waits until no diagnostics have changed for a moment (language servers catch
   * up with a write to a file shown in a tab).
   */
  async settle(changed: readonly string[], signal?: AbortSignal): Promise<void> {
    this.scripts.track(changed);
    let last = Date.now();
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      last = Date.now();
    });
    try {
      const docs = await Promise.all(
        changed.slice(0, MAX_OPENED).map((p) => vscode.workspace.openTextDocument(vscode.Uri.file(path.join(this.root, p))).then(undefined, () => undefined)),
      );
      const opened = Date.now();
      // A file shown in a tab is checked as the editor holds it: its problems are the write's only once the editor has reloaded it.
      if (await untilReloaded(docs, opened + MAX_WAIT_MS, signal)) last = Date.now();
      last = Math.max(last, opened);
      while (!signal?.aborted && Date.now() - last < QUIET_MS && Date.now() - opened < MAX_WAIT_MS) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      sub.dispose();
    }
  }

  /**
   * Problems are known for the files shown in editor tabs (language servers check those: a document
   * opened without a tab gets none), for files something reported on, and for the scripts the
   * TypeScript server is asked about. A step's other files are not checked: their problems are
   * neither blamed on the step nor counted as fixed by it (see `diagnoseStep`).
   */
  reports(rel: string): boolean {
    const uri = vscode.Uri.file(path.join(this.root, rel));
    return this.scripts.has(rel) || inTab(uri) || vscode.languages.getDiagnostics(uri).length > 0;
  }

  /** `paths`: files or folders (the problems of the files under them). */
  async collect(paths?: readonly string[]): Promise<Diagnostic[]> {
    const scopes = paths?.map((p) => p.replace(/\\/g, '/').replace(/\/+$/, ''));
    const wanted = scopes ? (rel: string) => scopes.some((s) => s === '' || s === '.' || rel === s || rel.startsWith(`${s}/`)) : undefined;
    const out: Diagnostic[] = [];
    // Scripts not in a tab: the server's answer replaces whatever TypeScript problems the view has of them.
    const asked = new Set<string>();
    for (const rel of this.scripts.files(wanted)) {
      if (inTab(vscode.Uri.file(path.join(this.root, rel)))) continue;
      const found = await this.scripts.problems(rel);
      if (!found) continue;
      asked.add(rel);
      out.push(...found);
    }
    for (const [uri, list] of vscode.languages.getDiagnostics()) {
      if (uri.scheme !== 'file') continue;
      const rel = path.relative(this.root, uri.fsPath).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (wanted && !wanted(rel)) continue;
      for (const d of list) {
        if (asked.has(rel) && d.source === 'ts') continue;
        const code = typeof d.code === 'object' ? String(d.code.value) : d.code !== undefined ? String(d.code) : undefined;
        out.push({ path: rel, line: d.range.start.line + 1, column: d.range.start.character + 1, severity: SEVERITY[d.severity], message: d.message, ...(d.source ? { source: d.source } : {}), ...(code ? { code } : {}) });
      }
    }
    return out;
  }
}

/** Shown in a tab: as a text editor, or as a side of a diff editor (its documents are open too, and checked). */
/**
 * Waits (until `deadline`) for the documents shown in tabs to hold what their files hold on disk:
 * VS Code reloads a document when its file watcher sees the write, and on a busy machine that came
 * after the language server had gone quiet, so the step's new error was missed. A document with
 * unsaved changes is the user's, and one whose file is not UTF-8 text cannot be compared: not waited
 * for. True when a reload was waited for.
 */
async function untilReloaded(docs: readonly (vscode.TextDocument | undefined)[], deadline: number, signal?: AbortSignal): Promise<boolean> {
  let waited = false;
  for (const doc of docs) {
    if (!doc || doc.isDirty || doc.uri.scheme !== 'file' || !inTab(doc.uri)) continue;
    const disk = await readFile(doc.uri.fsPath).then(utf8Text, () => undefined);
    if (disk === undefined) continue;
    while (!signal?.aborted && Date.now() < deadline && doc.getText().replace(/\r\n/g, '\n') !== disk) {
      waited = true;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return waited;
}

/** The file's text as an editor holds it (no BOM, line ends as \n), or undefined when it is not UTF-8. */
function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n/g, '\n');
  } catch {
    return undefined;
  }
}

function inTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  const shows = (input: unknown): boolean =>
    (input instanceof vscode.TabInputText && input.uri.toString() === key) ||
    (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key));
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => shows(t.input)));
}
