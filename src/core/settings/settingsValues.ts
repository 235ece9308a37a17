/**
 * One setting's values by where they are set, as VS Code's `WorkspaceConfiguration.inspect` gives
 * them: the user's settings (`globalValue`), the workspace's (`.vscode/settings.json` or the
 * `.code-workspace` file) and the folder's. A workspace's settings come with the files of a cloned
 * repository, so they are not the user's word.
 */
export interface SettingLayers {
  globalValue?: unknown;
  workspaceValue?: unknown;
  /** The folder's own value: in a workspace of several folders, that of the folder the session works in. */
  workspaceFolderValue?: unknown;
  /** That folder's name, to say where a value is (a workspace of several folders). */
  workspaceFolderName?: string;
  /**
   * The own values of the workspace's other folders (a workspace of several folders): each is a
   * repository's word too, so they count for a safeguard (strictest wins, `Trust`), and a value of
   * a user-only key is named as not used; the session's own folder alone chooses the rest.
   */
  otherFolders?: ReadonlyArray<{ name: string; value: unknown }>;
}

/** Where the values of a key (relative to `savepoint.`) come from; undefined: set nowhere. */
export type SettingSource = (key: string) => SettingLayers | undefined;

export interface SettingProblem {
  key: string;
  text: string;
  /** Not a problem but a notice: the workspace's value is used, and the user is told who chose it (`told`). */
  used?: true;
}

/**
 * How a key's values from the workspace's settings count:
 * - `any` (default): as VS Code merges them, the folder's over the workspace's over the user's.
 * - `told`: as `any`, and a workspace's value used that differs from the user's (or the default)
 *   leaves a notice (`used`): a repository may choose it, and the user knows it did (the model).
 * - `user`: only the user's settings count. For what sends the API key somewhere or decides
 *   approvals unattended: a repository must not choose it for its reader.
 * - `consent`: as `user`, without a problem for the workspace's value: the caller asks the user
 *   whether to take it (`workspaceText`).
 * - `strictest`: every place's value counts and the strictest wins (`stricter(a, b)` gives the
 *   stricter of two): a workspace can make a safeguard stronger (ask more, stop sooner), never weaker.
 */
export type Trust<T> = 'any' | 'told' | 'user' | 'consent' | { strictest: (a: T, b: T) => T };

/** A value as its setting's type takes it: `expected` says what is wrong with it; `value`, what of it is still used (a list's good items). */
type Checked<T> = { value?: T; expected?: string };

/** Each place other than the user's settings that sets a value for the key, with where it is in words. */
function workspacePlaces(layers: SettingLayers): Array<[unknown, string]> {
  return [
    [layers.workspaceValue, "this workspace's settings"],
    [layers.workspaceFolderValue, folderWhere(layers.workspaceFolderName)],
    ...(layers.otherFolders ?? []).map((f): [unknown, string] => [f.value, folderWhere(f.name)]),
  ];
}

const folderWhere = (name: string | undefined): string => (name === undefined ? "this folder's settings" : `the settings of the folder ${JSON.stringify(name)}`);

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Reads `savepoint.*` values by the type their setting declares and by where they are set (see
 * `Trust`). A value of another type, or out of its range, gives the default instead, and a problem
 * in words; so does a workspace value that is not taken. settings.json is hand-edited, and a
 * repository's is written by someone else: neither may stop a command or loosen a safeguard.
 * Pure: the extension gives it VS Code's configuration and shows `problems`.
 */
export class SettingsValues {
  readonly problems: SettingProblem[] = [];
  /** Keys whose 0 means no limit (`number`'s `zeroIsNone`): said so where 0 is used instead of a value. */
  private readonly zeroIsNone = new Set<string>();

  constructor(private readonly source: SettingSource) {}

  private bad(key: string, value: unknown, expected: string, fallback: unknown, where?: string): void {
    const used = fallback === 0 && this.zeroIsNone.has(key) ? '0 (no limit)' : JSON.stringify(fallback);
    this.problems.push({ key, text: `savepoint.${key} is ${JSON.stringify(value)}${where ? ` in ${where}` : ''}, but ${expected}: ${used} is used` });
  }

  private read<T>(key: string, fallback: T, check: (v: unknown) => Checked<T>, trust: Trust<T> = 'any', why = ''): T {
    const layers = this.source(key) ?? {};
    /** `instead`: what is used when `v` is not valid (said in the problem). */
    const valid = (v: unknown, where?: string, instead = fallback): T | undefined => {
      if (!isSet(v)) return undefined;
      const c = check(v);
      if (c.expected !== undefined) this.bad(key, v, c.expected, c.value ?? instead, where);
      return c.value;
    };
    if (trust === 'any' || trust === 'told') return this.merged(key, layers, fallback, check, trust === 'told' ? why : undefined);
    const user = valid(layers.globalValue) ?? fallback;
    if (trust === 'consent') return user;
    if (trust === 'user') {
      for (const [v, where] of workspacePlaces(layers)) {
        if (isSet(v)) this.problems.push({ key, text: `savepoint.${key} is ${JSON.stringify(v)} in ${where}, which is not used: only your user settings can set it${why ? ` (${why})` : ''}` });
      }
      return user;
    }
    let result = user;
    const offered: Array<[T, string]> = [];
    for (const [set, where] of workspacePlaces(layers)) {
      const v = valid(set, where, user);
      if (v === undefined) continue;
      offered.push([v, where]);
      result = trust.strictest(result, v);
    }
    for (const [v, where] of offered) {
      // Named only when looser than the user's own: a stricter one that another place outdoes is not "looser".
      if (!same(trust.strictest(user, v), user) || same(v, user) || covers(result, v)) continue;
      this.problems.push({ key, text: `savepoint.${key} is ${JSON.stringify(v)} in ${where}, which is not used: a workspace can make it stricter, not looser (${JSON.stringify(result)} is used; set it in your user settings)` });
    }
    return result;
  }

  /**
   * A key's value as VS Code merges them (`any`), from the first place that sets a valid one; `told`:
   * set (the why, possibly empty) to leave a notice when a workspace's value is used.
   */
  private merged<T>(key: string, layers: SettingLayers, fallback: T, check: (v: unknown) => Checked<T>, told: string | undefined): T {
    // The folder's over the workspace's over the user's, as VS Code merges them; a value not valid
    // passes to the next place's (a repository's typo does not replace the user's own value).
    // Another folder's value does not choose for this one (see `otherFolders`).
    const places: Array<[unknown, string | undefined]> = [[layers.workspaceFolderValue, folderWhere(layers.workspaceFolderName)], [layers.workspaceValue, "this workspace's settings"], [layers.globalValue, undefined]];
    const skipped: Array<[unknown, string | undefined]> = [];
    let value: T | undefined;
    let chosen: (typeof places)[number] | undefined;
    for (const place of places) {
      const v = place[0];
      if (!isSet(v)) continue;
      const c = check(v);
      if (c.value === undefined) {
        skipped.push([v, place[1]]);
        continue;
      }
      if (c.expected !== undefined) this.bad(key, v, c.expected, c.value, place[1]);
      value = c.value;
      chosen = place;
      break;
    }
    value ??= fallback;
    for (const [v, where] of skipped) this.bad(key, v, check(v).expected ?? '', value, where);
    if (told !== undefined && chosen?.[1] !== undefined) {
      const mine = isSet(layers.globalValue) ? check(layers.globalValue).value : undefined;
      const theirs = mine === undefined ? `the default ${JSON.stringify(fallback)}` : `your ${JSON.stringify(mine)}`;
      if (!same(value, mine ?? fallback)) this.problems.push({ key, used: true, text: `savepoint.${key} is ${JSON.stringify(value)} in ${chosen[1]}, and it is used instead of ${theirs}${told ? ` (${told})` : ''}` });
    }
    return value;
  }

  text(key: string, fallback: string, trust: Trust<string> = 'any', why?: string): string {
    return this.read(key, fallback, (v) => (typeof v === 'string' ? { value: v } : { expected: 'it must be text' }), trust, why);
  }

  texts(key: string, trust: Trust<string[]> = 'any', why?: string, fallback: readonly string[] = []): string[] {
    const check = (v: unknown): Checked<string[]> => {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { value: v as string[] };
      // A list with a few bad items keeps its good ones; what is not a list is not used at all.
      const expected = 'it must be a list of text';
      return Array.isArray(v) ? { value: v.filter((x): x is string => typeof x === 'string'), expected } : { expected };
    };
    return this.read(key, [...fallback], check, trust, why);
  }

  flag(key: string, fallback: boolean, trust: Trust<boolean> = 'any'): boolean {
    return this.read(key, fallback, (v) => (typeof v === 'boolean' ? { value: v } : { expected: 'it must be true or false' }), trust);
  }

  /** `range.whole`: a fraction is not valid either (a count). `range.zeroIsNone`: 0 means no limit (a budget), and a problem says so. */
  number(key: string, fallback: number, range: { min: number; max?: number; whole?: boolean; zeroIsNone?: boolean }, trust: Trust<number> = 'any', why?: string): number {
    if (range.zeroIsNone === true) this.zeroIsNone.add(key);
    const check = (v: unknown): Checked<number> => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return { expected: 'it must be a number' };
      if (range.whole === true && !Number.isInteger(v)) return { expected: 'it must be a whole number' };
      if (v < range.min || (range.max !== undefined && v > range.max)) return { expected: range.max === undefined ? `it must be at least ${range.min}` : `it must be between ${range.min} and ${range.max}` };
      return { value: v };
    };
    return this.read(key, fallback, check, trust, why);
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T, trust: Trust<T> = 'any', why?: string): T {
    const check = (v: unknown): Checked<T> => (typeof v === 'string' && (values as readonly string[]).includes(v) ? { value: v as T } : { expected: `it must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}` });
    return this.read(key, fallback, check, trust, why);
  }

  /** The workspace's own value of a `consent` key (the folder's over the workspace's): undefined when it sets none. */
  workspaceText(key: string): string | undefined {
    const layers = this.source(key) ?? {};
    const v = [layers.workspaceFolderValue, layers.workspaceValue].find(isSet);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    this.bad(key, v, 'it must be text', '', "this workspace's settings");
    return undefined;
  }
}

const same = <T>(a: T, b: T): boolean => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

/** Whether `used` holds all of `v`: the same value, or for a list every item of it (a workspace's always-ask patterns added to the user's are used). */
const covers = <T>(used: T, v: T): boolean => (Array.isArray(used) && Array.isArray(v) ? v.every((x) => used.includes(x)) : used === v);

/** The stricter of two rules: `ask` over `auto`. */
export const askWins = <T extends string>(a: T, b: T): T => (a === 'ask' ? a : b);

/** The stricter of two limits where 0 means none: the smaller one that limits. */
export const lowerLimit = (a: number, b: number): number => (a === 0 ? b : b === 0 ? a : Math.min(a, b));

/** The looser of two limits where 0 means none (for a limit on what is kept: keeping more is the safe side). */
export const higherLimit = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : Math.max(a, b));

/** Both lists, the first's items first: a workspace adds to the user's always-ask patterns, it cannot take theirs away. */
export const bothLists = (a: string[], b: string[]): string[] => [...a, ...b.filter((x) => !a.includes(x))];

/** `true` over `false` (for a safeguard that is on when true). */
export const onWins = (a: boolean, b: boolean): boolean => a || b;

/** `false` over `true` (for something that is safer off). */
export const offWins = (a: boolean, b: boolean): boolean => a && b;

/** The warning's words for `problems`: what is not used as set, then what a workspace's settings chose, each problem's text after. */
export function settingsWarning(problems: readonly SettingProblem[]): string {
  const notUsed = problems.filter((p) => !p.used);
  const chosen = problems.filter((p) => p.used);
  const heads: string[] = [];
  if (notUsed.length) heads.push(`${notUsed.length === 1 ? 'a setting is' : `${notUsed.length} settings are`} not used as set, and ${notUsed.length === 1 ? 'another value is' : 'other values are'} used instead.`);
  if (chosen.length) heads.push(`${chosen.length === 1 ? 'a setting is' : `${chosen.length} settings are`} chosen by this workspace's settings, not yours.`);
  // Each head a sentence: the first follows "Savepoint: ".
  return `${heads.map((h, i) => (i ? h.charAt(0).toUpperCase() + h.slice(1) : h)).join(' ')} ${[...notUsed, ...chosen].map((p) => `${p.text}.`).join(' ')}`;
}

/** How many workspace choices seen are remembered per workspace (the oldest go first). */
const SEEN_MAX = 100;

/**
 * Which problems a warning shows: those not shown in this window (`shown`, texts), less the
 * workspace choices (`used`) the user already saw in this workspace in an earlier window (`seen`):
 * a repository's `ignore` or `model` is said once, and again when it (or the user's own) changes,
 * where a value not used is said in every window until it is fixed. `seen`: the list to keep.
 */
export function noticesToShow(problems: readonly SettingProblem[], shown: ReadonlySet<string>, seen: readonly string[]): { show: SettingProblem[]; seen: string[] } {
  const before = new Set(seen);
  const show = problems.filter((p) => !shown.has(p.text) && !(p.used && before.has(p.text)));
  const added = show.filter((p) => p.used).map((p) => p.text);
  return { show, seen: [...seen, ...added].slice(-SEEN_MAX) };
}
