import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Diagnostic, Severity } from '../core/ports/diagnostics';

/** Files the TypeScript server checks (JavaScript too, as far as the project asks it to). */
const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
/** At most this many files are asked about directly; the least recently changed one is dropped first. */
const MAX_TRACKED = 40;
/** The first request starts the server and loads the project: it may take seconds. */
const REQUEST_MS = 30_000;
/** How long a document may take to catch up with its file on disk (VS Code reloads it on a change event). */
const SYNC_MS = 2_000;

interface TsDiagnostic {
  start: { line: number; offset: number };
  text: string;
  code?: number;
  category: 'error' | 'warning' | 'suggestion' | 'message';
}

const SEVERITY: Record<TsDiagnostic['category'], Severity> = { error: 'error', warning: 'warning', suggestion: 'hint', message: 'info' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The editor's TypeScript server, asked directly about files a session changes. It reports problems
 * in the Problems view only for files shown in tabs; asked (`semanticDiagnosticsSync`, through the
 * TypeScript extension's `typescript.tsserverRequest` command) it checks any file of the project,
 * opened as a document without a tab. A file it could not be asked about (the extension is off, the
 * file is gone, its document did not catch up with the disk) is dropped, and counts as not checked.
 */
export class TsServerFiles {
  /** Workspace-relative paths, least recently tracked first. */
  private readonly tracked = new Set<string>();

  constructor(private readonly root: vscode.Uri) {}

  /** Starts asking about these files (scripts only); says nothing about whether that will work. */
  track(paths: readonly string[]): void {
    for (const p of paths) {
      if (!SCRIPT.test(p)) continue;
      this.tracked.delete(p);
      this.tracked.add(p);
    }
    for (const p of this.tracked) {
      if (this.tracked.size <= MAX_TRACKED) break;
      this.tracked.delete(p);
    }
  }

  has(rel: string): boolean {
    return this.tracked.has(rel);
  }

  /** The tracked files `wanted` takes (all when undefined). */
  files(wanted?: (rel: string) => boolean): string[] {
    return [...this.tracked].filter((p) => !wanted || wanted(p));
  }

  /** The server's problems in a tracked file now; undefined (and the file dropped) when it could not be asked. */
  async problems(rel: string): Promise<Diagnostic[] | undefined> {
    const uri = vscode.Uri.joinPath(this.root, rel);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      if (!(await caughtUp(doc))) throw new Error('the document did not catch up with the file');
      const out: Diagnostic[] = [];
      for (const command of ['syntacticDiagnosticsSync', 'semanticDiagnosticsSync']) {
        const response = await withTimeout(vscode.commands.executeCommand<{ body?: TsDiagnostic[] } | undefined>('typescript.tsserverRequest', command, { file: uri.fsPath, includeLinePosition: false }));
        if (!response || !Array.isArray(response.body)) throw new Error(`no answer to ${command}`);
        for (const d of response.body) out.push({ path: rel, line: d.start.line, column: d.start.offset, severity: SEVERITY[d.category] ?? 'info', message: d.text, source: 'ts', ...(d.code !== undefined ? { code: String(d.code) } : {}) });
      }
      return out;
    } catch {
      this.tracked.delete(rel);
      return undefined;
    }
  }
}

/** Whether the document holds what its file holds now (waiting a little for VS Code to reload it). */
async function caughtUp(doc: vscode.TextDocument): Promise<boolean> {
  const until = Date.now() + SYNC_MS;
  for (;;) {
    const disk = await readFile(doc.uri.fsPath, 'utf8');
    if (!doc.isDirty && doc.getText() === disk.replace(/^\uFEFF/, '')) return true;
    if (Date.now() > until) return false;
    await sleep(50);
  }
}

function withTimeout<T>(p: Thenable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the TypeScript server did not answer')), REQUEST_MS);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
