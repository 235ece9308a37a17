import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Diagnostics, DiagnosticsReport, Severity } from '../ports/diagnostics';
import type { ProcessRunner } from '../ports/processRunner';
import { cargoPackageDirs, locateCargoPath } from './cargoPaths';
import { CARET, CLEAN_LINE, FINDING_LIKE, FRAME, UnreadLines } from './checkOutputNoise';
import { relativeInside, toPosix } from './confinedPath';

export interface CommandDiagnosticsOptions {
  /** The check command, run through the shell (e.g. `npx tsc --noEmit -p .`). */
  command: string;
  /** Absolute workspace root: the command runs there, and reported paths are made relative to it. */
  root: string;
  runner: ProcessRunner;
  /** Default 5 minutes (`checkCommandTimeoutMs`); a positive number. */
  timeoutMs?: number;
  /** The mark the command's processes carry (`markedAs`). */
  mark?: string;
}

/** The check command's time limit when none is set. */
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 300;

/** The time limit in ms for `seconds` as a setting or the command line gives it (absent: 5 minutes); anything but a positive number is refused. */
export function checkCommandTimeoutMs(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_CHECK_TIMEOUT_SECONDS;
  if (!Number.isFinite(s) || s <= 0) throw new RangeError(`the check command time limit must be a positive number of seconds, got ${String(seconds)}`);
  return s * 1000;
}

interface Parsed {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  source?: string;
  code?: string;
}

// tsc --pretty false:  src/a.ts(3,7): error TS2322: Type 'string' is not assignable...
const TSC = /^(.+?)\((\d+),(\d+)\): (error|warning|info|message) (TS\d+): (.*)$/;
// tsc --pretty:        src/a.ts:3:7 - error TS2322: ...
const TSC_PRETTY = /^(.+?):(\d+):(\d+) - (error|warning|info|message) (TS\d+): (.*)$/;
// gcc, clang, rustc-short, eslint -f unix:  file:line:col: [severity[\[rustc code\]]:] message [Error/rule]
const UNIX = /^(.+?):(\d+):(\d+):\s*(.*)$/;
const UNIX_SEVERITY = /^(fatal error|error|warning|note|info|hint|remark)(?:\[(E\d{4})\])?:\s*(.*)$/i;
const ESLINT_TAIL = /^(.*?)\s*\[(Error|Warning)(?:\/([^\]]+))?\]$/;
// flake8 and ruff (concise): `app.py:1:1: F401 'os' imported but unused`, ruff adding `[*]` when it can fix it.
const LINT_CODE = /^([A-Z]{1,3}\d{2,4})\s+(?:\[\*\]\s+)?(.*)$/;
// go build / go vet: `./main.go:5:2: undefined: foo`, with no severity (vet may prefix `vet: `).
const GO_FILE = /\.go$/;
const GO_VET = /^vet: /;
// mypy without --show-column-numbers: `src/app.py:3: error: Incompatible types…  [assignment]`.
const NO_COLUMN = /^(.+?):(\d+): (error|warning|note): (.*)$/;
const MYPY_CODE = /^(.*?)\s+\[([a-z][a-z0-9-]*)\]$/;
// pyright, indented under its file: `  /w/src/app.py:3:5 - error: "foo" is not defined (reportUndefinedVariable)`.
// Its path starts at a non-blank: leading blanks that either part could take made a run of them quadratic.
const PYRIGHT = /^\s*(\S.*?):(\d+):(\d+) - (error|warning|information): (.*?)(?: \((report\w+)\))?$/;
// rustc/cargo's default (human) format states a finding in two lines: `error[E0425]: message`, then
// ` --> src/main.rs:2:13`. Its `note:`/`help:` children are neither errors nor warnings, and its
// summaries (`error: could not compile…`) have no location line: neither is a finding.
const RUSTC_HEADER = /^(error|warning)(?:\[(E\d{4})\])?: (.*)$/;
const RUSTC_LOCATION = /^\s*--> (.+?):(\d+):(\d+)$/;
// ESLint's default (stylish) format: the file's absolute path alone on a line, then its findings
// indented under it, `  1:7  error  'x' is assigned a value but never used  no-unused-vars` (the
// rule after two spaces or more; none for a parsing error).
const STYLISH_FILE = /^(?:\/|[A-Za-z]:[\\/]|\\\\)\S.*$/;
const STYLISH_ROW = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const STYLISH_RULE = /^(.*\S)\s{2,}((?:@[\w.-]+\/)?[\w-]+(?:\/[\w-]+)*)$/;
/** Continuation lines stop being added to a message past this length. */
const MAX_MESSAGE_CHARS = 2000;
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, 'g');

/** The rustc error code (`E0425`) of a finding, when it has one. */
const rustcCode = (code: string | undefined) => (code === undefined ? {} : { source: 'rustc', code });

function severityOf(word: string): Severity {
  const w = word.toLowerCase();
  if (w === 'error' || w === 'fatal error') return 'error';
  if (w === 'warning') return 'warning';
  if (w === 'hint') return 'hint';
  return 'info';
}

/** One line of checker output as a finding, or undefined when it is not one. */
export function parseDiagnosticLine(raw: string): Parsed | undefined {
  const line = raw.replace(ANSI, '').trimEnd();
  const ts = TSC.exec(line) ?? TSC_PRETTY.exec(line);
  if (ts) {
    const [, file, l, c, sev, code, message] = ts as unknown as [string, string, string, string, string, string, string];
    return { file, line: Number(l), column: Number(c), severity: severityOf(sev), message, source: 'ts', code };
  }
  const py = PYRIGHT.exec(line);
  if (py) {
    const [, file, l, c, sev, message, rule] = py as unknown as [string, string, string, string, string, string, string | undefined];
    return { file: file.trim(), line: Number(l), column: Number(c), severity: severityOf(sev), message, ...(rule !== undefined ? { source: 'pyright', code: rule } : {}) };
  }
  const u = UNIX.exec(line.replace(GO_VET, ''));
  if (!u) return parseNoColumn(line);
  const [, file, l, c, rest] = u as unknown as [string, string, string, string, string];
  const sev = UNIX_SEVERITY.exec(rest);
  if (sev) {
    const [, word, code, message] = sev as unknown as [string, string, string | undefined, string];
    return { file, line: Number(l), column: Number(c), severity: severityOf(word), message, ...rustcCode(code) };
  }
  const es = ESLINT_TAIL.exec(rest);
  if (es) {
    const rule = es[3];
    return {
      file,
      line: Number(l),
      column: Number(c),
      severity: es[2] === 'Error' ? 'error' : 'warning',
      message: es[1] as string,
      source: 'eslint',
      ...(rule !== undefined ? { code: rule } : {}),
    };
  }
  const lint = LINT_CODE.exec(rest);
  if (lint) {
    const [, code, message] = lint as unknown as [string, string, string];
    return { file, line: Number(l), column: Number(c), severity: code.startsWith('W') ? 'warning' : 'error', message, code };
  }
  // The Go toolchain states no severity: what go build and go vet print fails the command.
  if (GO_FILE.test(file)) return { file, line: Number(l), column: Number(c), severity: 'error', message: rest, source: 'go' };
  return undefined;
}

/** A `file:line: severity: message` line (mypy), tried only when the line has no column. */
function parseNoColumn(line: string): Parsed | undefined {
  const m = NO_COLUMN.exec(line);
  if (!m) return undefined;
  const [, file, l, sev, text] = m as unknown as [string, string, string, string, string];
  const coded = MYPY_CODE.exec(text);
  return { file, line: Number(l), column: 1, severity: severityOf(sev), message: coded?.[1] ?? text, ...(coded ? { source: 'mypy', code: coded[2] as string } : {}) };
}

/** A row of ESLint's stylish format under `file` (the path alone on the line before its rows), or undefined when the line is not one. */
export function parseStylishRow(raw: string, file: string): Parsed | undefined {
  const row = STYLISH_ROW.exec(raw.replace(ANSI, '').trimEnd());
  if (!row) return undefined;
  const [, l, c, sev, text] = row as unknown as [string, string, string, string, string];
  const ruled = STYLISH_RULE.exec(text);
  // ESLint says 0:0 for a finding about the whole file.
  return { file, line: Math.max(1, Number(l)), column: Math.max(1, Number(c)), severity: severityOf(sev), message: ruled?.[1] ?? text, source: 'eslint', ...(ruled ? { code: ruled[2] as string } : {}) };
}

/** The finding a rustc header and the location line right after it make, or undefined when they do not. */
function parseRustcFinding(header: string, next: string): Parsed | undefined {
  const at = RUSTC_LOCATION.exec(next.trimEnd());
  const h = at && RUSTC_HEADER.exec(header.trimEnd());
  if (!at || !h) return undefined;
  const [, file, l, c] = at as unknown as [string, string, string, string];
  const [, word, code, message] = h as unknown as [string, string, string | undefined, string];
  return { file, line: Number(l), column: Number(c), severity: severityOf(word), message, ...rustcCode(code) };
}

/** `sub` is `scope` or lies under it (both workspace-relative, `/`-separated). */
function inScope(sub: string, scope: string): boolean {
  return scope === '' || sub === scope || sub.startsWith(`${scope}/`);
}

function normalizeScope(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '.' ? '' : n.replace(/^\.\//, '');
}

/** The first lines of the output, for an output that could not be read. */
const headOf = (text: string) => text.trim().split(/\r?\n/).slice(0, 8).join('\n');

/** The last lines of the output, for an error that has to say why. */
const tailOf = (text: string) => text.trim().split(/\r?\n/).slice(-10).join('\n');

/**
 * The signal a shell's exit code says its command died of (`sh -c` reports 128+n for a child killed
 * by signal n), or undefined for an ordinary exit: checkers exit 1 or 2 when they find errors.
 */
function shellReportedSignal(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  return `signal ${exitCode - 128}`;
}

/**
 * The `Diagnostics` port for the CLI and tests: runs a configured check command and parses its
 * output (tsc, gcc/clang, rustc/cargo, ESLint's default and `-f unix` formats, go build/vet, mypy, pyright, flake8 and ruff formats). Findings outside the
 * workspace are dropped. A command that fails without printing any finding (not installed,
 * crashed) is an error, not "no problems"; so is one that exits 0 having printed lines of no known
 * format and no finding (its output was not understood); so is one killed by a signal or whose output passed the
 * runner's cap, whatever it printed, since its list may be partial. Not idempotent in cost: each
 * call runs the command again.
 */
export class CommandDiagnostics implements Diagnostics {
  private realRoot: Promise<string> | undefined;

  constructor(private readonly options: CommandDiagnosticsOptions) {
    if (options.timeoutMs !== undefined) checkCommandTimeoutMs(options.timeoutMs / 1000);
  }

  async collect(paths?: readonly string[], signal?: AbortSignal): Promise<Diagnostic[]> {
    return (await this.collectReport(paths, signal)).findings;
  }

  markedAs(mark: string): CommandDiagnostics {
    return new CommandDiagnostics({ ...this.options, mark });
  }

  /**
   * `collect`, with the lines of the output that were neither findings nor known noise: of a command
   * that failed, all of them (they may say why); of one that exited 0, those that read like findings.
   */
  async collectReport(paths?: readonly string[], signal?: AbortSignal): Promise<DiagnosticsReport> {
    const { command, root, runner, mark } = this.options;
    const limit = this.options.timeoutMs ?? checkCommandTimeoutMs(undefined);
    const result = await runner.run(command, { cwd: root, timeoutMs: limit, ...(signal ? { signal } : {}), ...(mark ? { mark } : {}) });
    if (result.aborted) throw signal?.reason ?? new Error('The check command was aborted.');
    const text = Buffer.from(result.output).toString('utf8');
    // What it printed tells why (a `--watch` that never ends, a prompt waiting for input).
    if (result.timedOut) {
      const tail = tailOf(text);
      throw new Error(`The check command \`${command}\` did not finish within ${limit / 1000} s and was stopped with the processes it started${tail ? `:\n${tail}` : ', having printed nothing'}`);
    }
    // Findings are compared with the previous list: a partial list would count the rest as fixed.
    const killedBy = result.signal ?? shellReportedSignal(result.exitCode);
    if (killedBy !== undefined) throw new Error(`The check command \`${command}\` was killed (${killedBy}) before it finished:\n${tailOf(text)}`);
    if (result.outputBytes > result.output.length) {
      throw new Error(`The check command \`${command}\` printed ${result.outputBytes} bytes, more than the ${result.output.length} kept: its list of findings would be incomplete.`);
    }
    const { found, outside, unread } = await this.parse(text);
    // Findings all outside the workspace (a sibling package the project takes in) are a list: none here.
    if (found.length === 0 && outside === 0 && result.exitCode !== 0) {
      const tail = tailOf(text);
      throw new Error(`The check command \`${command}\` failed (exit ${result.exitCode}) without reporting any finding${tail ? `:\n${tail}` : ', and printed nothing'}`);
    }
    // Exit 0 is not "no problems" when it printed what reads as findings that no parser read: a checker
    // whose format is not known here (or one that always exits 0) may have listed errors.
    const plain = text.replace(ANSI, '');
    if (found.length === 0 && outside === 0 && plain.split(/\r?\n/).some((l) => FINDING_LIKE.test(l) && !CLEAN_LINE.test(l))) {
      throw new Error(`The check command \`${command}\` exited 0, but its output was not understood (no finding in a known format):\n${headOf(plain)}`);
    }
    const notUnderstood = unread.report(result.exitCode !== 0);
    const report = (findings: Diagnostic[]): DiagnosticsReport => (notUnderstood ? { findings, notUnderstood } : { findings });
    if (!paths || paths.length === 0) return report(found);
    const scopes = paths.map(normalizeScope);
    return report(found.filter((d) => scopes.some((s) => inScope(d.path, s))));
  }

  /**
   * The findings in the output. Indented lines after one (tsc's elaborations) are added to its
   * message, up to its code frame: the frame and anything after it (fix-it hints) are left out.
   * A rustc finding starts at its location line, so its frame and notes are all left out.
   * `outside`: how many findings were about files outside the workspace (left out); `unread`: the
   * lines that were neither findings nor part of one.
   */
  private async parse(text: string): Promise<{ found: Diagnostic[]; outside: number; unread: UnreadLines }> {
    const found: { finding: Diagnostic; extra: string[]; framed: boolean }[] = [];
    let outside = 0;
    let last: (typeof found)[number] | undefined;
    let previous = '';
    // The file ESLint's stylish rows are under: its path alone on a line, until a line that is no row.
    let stylishFile: string | undefined;
    const unread = new UnreadLines();
    const cargoDirs = cargoPackageDirs(text);
    for (const [at, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.replace(ANSI, '');
      const rustc = parseRustcFinding(previous, line);
      previous = line;
      // An indented line is a finding of its own when it reads as one (pyright indents them all under their file).
      const plain = rustc ?? parseDiagnosticLine(line);
      const row = !plain && stylishFile !== undefined ? parseStylishRow(line, stylishFile) : undefined;
      const p = plain ?? row;
      // Rows keep their file; a path alone on a line starts one; any other line ends it.
      if (!row) stylishFile = !plain && STYLISH_FILE.test(line.trimEnd()) ? line.trimEnd() : undefined;
      if (!p && last && /^\s+\S/.test(line)) {
        if (FRAME.test(line)) last.framed = true;
        else if (CARET.test(line)) {
          // Older clang prints the source line bare, then the caret: the line before was code, not text.
          if (!last.framed) last.extra.pop();
          last.framed = true;
        } else if (!last.framed) last.extra.push(line.trim());
        continue;
      }
      last = undefined;
      if (!p) {
        // A path alone on a line heads the rows under it (ESLint's stylish format, pyright).
        if (stylishFile === undefined) unread.line(line, at);
        continue;
      }
      // A rustc finding began on the line above, its header.
      unread.finding(at, rustc !== undefined);
      const rel = await this.relative(p.file, cargoDirs);
      if (rel === undefined) {
        outside++;
        continue;
      }
      const { file: _file, ...rest } = p;
      last = { finding: { ...rest, path: rel }, extra: [], framed: rustc !== undefined };
      found.push(last);
    }
    const findings = found.map(({ finding, extra }) => {
      for (const more of extra) {
        if (finding.message.length >= MAX_MESSAGE_CHARS) break;
        finding.message += `\n${more}`;
      }
      return finding;
    });
    return { found: findings, outside, unread };
  }

  /** Workspace-relative form of a path the checker printed (found in the crates cargo named), or undefined when it is outside. */
  private async relative(file: string, cargoDirs: readonly string[]): Promise<string | undefined> {
    const root = this.options.root;
    this.realRoot ??= realpath(root).catch(() => root);
    // cargo's paths are relative to its workspace root, which may be a subfolder.
    const inCargo = cargoDirs.length ? await locateCargoPath(root, file, cargoDirs, await this.realRoot) : undefined;
    const abs = inCargo ?? path.resolve(root, file);
    const rel = relativeInside(root, abs);
    if (rel !== undefined) return toPosix(rel);
    const inReal = relativeInside(await this.realRoot, abs);
    return inReal === undefined ? undefined : toPosix(inReal);
  }
}
