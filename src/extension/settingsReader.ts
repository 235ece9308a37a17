import * as vscode from 'vscode';

/** Problems already shown to the user: a value is reported once, not at every read. */
const reported = new Set<string>();

/**
 * Reads `savepoint.*` values by the type their setting declares. A value of another type, or out of
 * its range, gives the default instead, and a problem in words that `report` shows the user, with a
 * button to the setting. settings.json is hand-edited: it must never stop a command on a TypeError.
 */
export class SettingsReader {
  private readonly problems: Array<{ key: string; text: string }> = [];

  constructor(private readonly config: vscode.WorkspaceConfiguration) {}

  private bad(key: string, value: unknown, expected: string, fallback: unknown): void {
    this.problems.push({ key, text: `savepoint.${key} is ${JSON.stringify(value)}, but ${expected}: ${JSON.stringify(fallback)} is used` });
  }

  private raw(key: string): unknown {
    return this.config.get<unknown>(key);
  }

  text(key: string, fallback: string): string {
    const v = this.raw(key);
    if (v === undefined || v === null || typeof v === 'string') return (v as string | null | undefined) ?? fallback;
    this.bad(key, v, 'it must be text', fallback);
    return fallback;
  }

  texts(key: string): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      const kept = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      this.bad(key, v, 'it must be a list of text', kept);
      return kept;
    }
    return v as string[];
  }

  flag(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null || typeof v === 'boolean') return (v as boolean | null | undefined) ?? fallback;
    this.bad(key, v, 'it must be true or false', fallback);
    return fallback;
  }

  /** `range.whole`: a fraction is not valid either (a count). */
  number(key: string, fallback: number, range: { min: number; max?: number; whole?: boolean }): number {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.bad(key, v, 'it must be a number', fallback);
      return fallback;
    }
    if (range.whole === true && !Number.isInteger(v)) {
      this.bad(key, v, 'it must be a whole number', fallback);
      return fallback;
    }
    if (v < range.min || (range.max !== undefined && v > range.max)) {
      this.bad(key, v, range.max === undefined ? `it must be at least ${range.min}` : `it must be between ${range.min} and ${range.max}`, fallback);
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    this.bad(key, v, `it must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, fallback);
    return fallback;
  }

  /** Shows the problems not shown before, in one warning; "Open Settings" opens the first setting. */
  report(): void {
    const fresh = this.problems.filter((p) => !reported.has(p.text));
    if (!fresh.length) return;
    for (const p of fresh) reported.add(p.text);
    const first = fresh[0]!;
    void vscode.window.showWarningMessage(`Savepoint: ${fresh.length === 1 ? 'a setting is' : `${fresh.length} settings are`} not valid and ${fresh.length === 1 ? 'its default is' : 'their defaults are'} used instead. ${fresh.map((p) => `${p.text}.`).join(' ')}`, 'Open Settings').then((a) => a && vscode.commands.executeCommand('workbench.action.openSettings', `savepoint.${first.key}`));
  }
}
