import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, Diagnostics, Severity } from '../core/ports/diagnostics';

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

/** The Diagnostics port on VS Code's own problems (language servers, linters the user runs). */
export class VscodeDiagnostics implements Diagnostics {
  constructor(private readonly root: string) {}

  /**
   * Language servers check open documents: the changed files are opened (not shown) so that their
   * findings are computed, then this waits until no diagnostics have changed for a moment.
   */
  async settle(changed: readonly string[], signal?: AbortSignal): Promise<void> {
    await this.openAndWait(changed, signal);
  }

  /** Before a step changes them: the files not open yet are opened, and their findings waited for. */
  async prepare(paths: readonly string[], signal?: AbortSignal): Promise<void> {
    const closed = paths.filter((p) => !this.reports(p));
    if (closed.length > 0) await this.openAndWait(closed, signal);
  }

  /** Problems are known for the documents open in the editor, and for files a linter or task reported on. */
  reports(rel: string): boolean {
    const uri = vscode.Uri.file(path.join(this.root, rel));
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()) || vscode.languages.getDiagnostics(uri).length > 0;
  }

  private async openAndWait(paths: readonly string[], signal?: AbortSignal): Promise<void> {
    let last = Date.now();
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      last = Date.now();
    });
    try {
      await Promise.all(
        paths.slice(0, MAX_OPENED).map((p) => vscode.workspace.openTextDocument(vscode.Uri.file(path.join(this.root, p))).then(undefined, () => undefined)),
      );
      const opened = Date.now();
      last = Math.max(last, opened);
      while (!signal?.aborted && Date.now() - last < QUIET_MS && Date.now() - opened < MAX_WAIT_MS) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      sub.dispose();
    }
  }

  async collect(paths?: readonly string[]): Promise<Diagnostic[]> {
    const wanted = paths ? new Set(paths.map((p) => p.replace(/\\/g, '/'))) : undefined;
    const out: Diagnostic[] = [];
    for (const [uri, list] of vscode.languages.getDiagnostics()) {
      if (uri.scheme !== 'file') continue;
      const rel = path.relative(this.root, uri.fsPath).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (wanted && !wanted.has(rel)) continue;
      for (const d of list) {
        const code = typeof d.code === 'object' ? String(d.code.value) : d.code !== undefined ? String(d.code) : undefined;
        out.push({ path: rel, line: d.range.start.line + 1, column: d.range.start.character + 1, severity: SEVERITY[d.severity], message: d.message, ...(d.source ? { source: d.source } : {}), ...(code ? { code } : {}) });
      }
    }
    return out;
  }
}
