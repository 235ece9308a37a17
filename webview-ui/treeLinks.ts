import type { TreeLink } from '../src/shared/sessionTree';
import { el } from './dom';

/** How many forks the timeline's header names; the rest are counted. */
const MAX_FORKS = 10;

/** A session's title as a link that opens it. */
export function sessionLink(s: TreeLink & { title: string }, open: (id: string) => void): HTMLAnchorElement {
  const link = el('a', '', s.title);
  link.href = '#';
  link.title = `Open ${s.title}`;
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    open(s.id);
  });
  return link;
}

/**
 * The timeline header's line of the session's forks, "Forks: ‹title› at step 3, ‹title› at step 7"
 * (each opens its fork; past ten, "and N more"): from a parent the tree is walked down, as a fork's
 * "Fork of ‹title›" walks it up. Undefined when none was made.
 */
export function forksLine(forks: readonly TreeLink[], open: (id: string) => void): HTMLElement | undefined {
  if (forks.length === 0) return undefined;
  const line = el('span', 'fork');
  line.append(el('span', 'codicon codicon-repo-forked'), el('span', '', forks.length === 1 ? 'Fork:' : 'Forks:'));
  forks.slice(0, MAX_FORKS).forEach((f, i) => {
    const item = el('span', 'fork-item');
    item.append(sessionLink({ ...f, title: f.title ?? f.id }, open));
    const last = i === Math.min(forks.length, MAX_FORKS) - 1;
    // A fork's default title says its step already: "‹title› (fork at step 3)".
    const step = f.step === null || f.title?.endsWith(`(fork at step ${f.step})`) ? '' : ` at step ${f.step}`;
    const words = `${step}${last ? '' : ','}`;
    if (words) item.append(document.createTextNode(words));
    line.append(item);
  });
  if (forks.length > MAX_FORKS) line.append(el('span', '', `and ${forks.length - MAX_FORKS} more`));
  return line;
}
