/** Compiler and linter findings for the workspace (port): VS Code's diagnostics in the extension, a configured check command in the CLI. */

import type { TurnWatch } from './changeCapture';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  /** Workspace-relative, `/`-separated. */
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** The tool that reported it (`ts`, `eslint`...) and its code, when known. */
  source?: string;
  code?: string;
}

/** Lines of a source's output that were neither findings nor known noise (summaries, headers, code frames). */
export interface NotUnderstood {
  /** How many such lines there were. */
  count: number;
  /** The first few of them, each cut to a readable length. */
  lines: string[];
}

/** The findings, and what of the output they were read from was not understood (absent: all of it was). */
export interface DiagnosticsReport {
  findings: Diagnostic[];
  notUnderstood?: NotUnderstood;
}

export interface Diagnostics {
  /**
   * The current findings, for the given workspace-relative paths or for the whole workspace.
   * Read-only with respect to the files. May take as long as a compile; honours the signal.
   */
  collect(paths?: readonly string[], signal?: AbortSignal): Promise<Diagnostic[]>;
  /**
   * `collect`, saying too which lines of the output it read the findings from were not understood
   * (a source that parses text: a check command). Same preconditions and cost as `collect`: a call
   * runs the check once. Sources whose findings come structured need not implement it.
   */
  collectReport?(paths?: readonly string[], signal?: AbortSignal): Promise<DiagnosticsReport>;
  /**
   * Waits until the findings reflect changes just made to these files (a language server takes a
   * moment to catch up with a write). Sources that compute on demand need not implement it.
   */
  settle?(changed: readonly string[], signal?: AbortSignal): Promise<void>;
  /**
   * Sources that report on some files only (a language server: the documents open in the editor)
   * say which. A file not reported on keeps its last known findings (it was closed, not fixed), and
   * one first reported on after a step changed it had findings no one saw before (not the step's).
   * Absent: the source reports on every file.
   */
  reports?(path: string): boolean;
  /**
   * Such a source starts reporting on these files, which a step is about to change (those it can:
   * `reports` says which it does after), so that the findings before the step include theirs.
   */
  prepare?(paths: readonly string[], signal?: AbortSignal): Promise<void>;
  /**
   * Sources that run processes (a check command) return themselves with those processes carrying
   * `mark` (`RunOptions.mark`): after a crash, a later process can then stop what still runs of them.
   * Such a source may write files (a tsbuildinfo, a coverage folder): the runner runs it in the
   * folder's turn (`ChangeCapture.inTurn`), never beside another session's command; `watch` is told
   * when a check of the source returned waits for its turn (a source that runs nothing ignores it).
   */
  markedAs?(mark: string, watch?: TurnWatch): Diagnostics;
}
