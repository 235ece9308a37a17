import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, Diagnostics, Severity } from '../core/ports/diagnostics';

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** The Diagnostics port on VS Code's own problems (language servers, linters the user runs). */
export class VscodeDiagnostics implements Diagnostics {
  constructor(private readonly root: string) {}

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
