import type { SideEffect } from './runEvents';

/** One path's side of a change: what it held before, or what it holds after. */
interface Half {
  path: string;
  /** The rename this half belongs to (its index in its list), if any. */
  rename?: number;
  before: Pick<SideEffect, 'beforeHash' | 'unkept' | 'beforeSize' | 'beforeExec' | 'beforeMode' | 'beforeLink'> | undefined;
  after: Pick<SideEffect, 'afterHash' | 'afterUnkept' | 'afterSize' | 'afterExec' | 'afterLink'> | undefined;
  binary?: true;
  tooLarge?: true;
  modes?: true;
  uncertain?: true;
}

const pick = <K extends keyof SideEffect>(e: SideEffect, keys: readonly K[]): Pick<SideEffect, K> =>
  Object.fromEntries(keys.flatMap((k) => (e[k] !== undefined ? [[k, e[k]]] : []))) as Pick<SideEffect, K>;

const BEFORE = ['beforeHash', 'unkept', 'beforeSize', 'beforeExec', 'beforeMode', 'beforeLink'] as const;
const AFTER = ['afterHash', 'afterUnkept', 'afterSize', 'afterExec', 'afterLink'] as const;

function halves(effects: readonly SideEffect[]): Map<string, Half> {
  const out = new Map<string, Half>();
  const flags = (e: SideEffect) => ({
    ...(e.binary ? { binary: true as const } : {}),
    ...(e.tooLarge ? { tooLarge: true as const } : {}),
    ...(e.modes ? { modes: true as const } : {}),
    ...(e.uncertain ? { uncertain: true as const } : {}),
  });
  effects.forEach((e, i) => {
    const before = e.beforeHash === null && e.beforeLink === undefined ? undefined : pick(e, BEFORE);
    const after = e.afterHash === null && e.afterLink === undefined ? undefined : pick(e, AFTER);
    if (e.kind === 'renamed' && e.from !== undefined) {
      out.set(e.from, { path: e.from, rename: i, before, after: undefined, ...flags(e) });
      out.set(e.path, { path: e.path, rename: i, before: undefined, after, ...flags(e) });
    } else out.set(e.path, { path: e.path, before, after, ...flags(e) });
  });
  return out;
}

/**
 * The net effect of two runs of changes one after the other (a command's run cut off by a crash,
 * then its run again): per path, the version before the first and the version after the second; a
 * path both runs brought back to where it was is left out. A move either run made stays a move
 * when the other run touched neither of its ends; otherwise its ends are a deletion and a creation.
 */
export function composeEffects(first: readonly SideEffect[], then: readonly SideEffect[]): SideEffect[] {
  if (first.length === 0) return [...then];
  if (then.length === 0) return [...first];
  const [a, b] = [halves(first), halves(then)];
  const out: SideEffect[] = [];
  const moves = [
    { list: first, own: a, other: b },
    { list: then, own: b, other: a },
  ];
  const kept = new Set<string>();
  for (const { list, other } of moves) {
    list.forEach((e) => {
      if (e.kind !== 'renamed' || e.from === undefined || other.has(e.path) || other.has(e.from)) return;
      out.push(e);
      kept.add(e.path).add(e.from);
    });
  }
  for (const p of new Set([...a.keys(), ...b.keys()])) {
    if (kept.has(p)) continue;
    const [x, y] = [a.get(p), b.get(p)];
    const before = x ? x.before : y?.before;
    const after = y ? y.after : x?.after;
    if (!before && !after) continue;
    const same = before && after && before.beforeHash === after.afterHash && (before.beforeExec === true) === (after.afterExec === true) && before.beforeLink === after.afterLink;
    if (same) continue;
    const modes = (!x || x.modes) && (!y || y.modes);
    out.push({
      path: p,
      kind: !before ? 'created' : !after ? 'deleted' : 'modified',
      beforeHash: before?.beforeHash ?? null,
      afterHash: after?.afterHash ?? null,
      ...(x?.binary || y?.binary ? { binary: true as const } : {}),
      ...(x?.tooLarge || y?.tooLarge ? { tooLarge: true as const } : {}),
      ...(before ? { ...before, beforeHash: before.beforeHash } : {}),
      ...(after ? { ...after, afterHash: after.afterHash } : {}),
      ...(modes ? { modes: true as const } : {}),
      ...(x?.uncertain || y?.uncertain ? { uncertain: true as const } : {}),
    });
  }
  return out.sort((l, r) => (l.path < r.path ? -1 : l.path > r.path ? 1 : 0));
}
