import type { SessionRow } from '../src/shared/protocol';
import { detailActions } from '../src/shared/sessionActions';
import type { TreeLink } from '../src/shared/sessionTree';
import { usd } from '../src/shared/money';
import { ago, button, el, icon, iconAction, tokens } from './dom';
import { focusKey, refocus } from './focusKeep';
import { GROUP_LABEL, STATUS_ICON, type Act, forkLine } from './sessionList';
import { forksLine } from './treeLinks';

const metaLine = (r: SessionRow): string => `${r.steps} step${r.steps === 1 ? '' : 's'} · ${tokens(r.tokens)} tokens · ${usd(r.costUsd)}${r.forkOf ? ' since the fork' : ''} · ${ago(r.updatedAt)}`;

/** The sticky header of a session's timeline: its title, status and counts, its actions, and the "Go to step" control (`tail`). */
export class DetailHeader {
  readonly root = el('header', 'detail-header');
  /** What the header's buttons were built for, and its line of counts (written again on every change). */
  private key: string | undefined;
  private meta: HTMLElement | undefined;

  constructor(
    private readonly deps: { act: Act; back: () => void; open: (id: string) => void; forks: (id: string) => TreeLink[] },
    /** Stays the same element under the header's rows (its field keeps what was typed); its label follows the count of steps. */
    private readonly tail: { box: HTMLElement; relabel(): void },
  ) {}

  /**
   * The header, rebuilt only when what its buttons do changes (the session, its status, its title, whether its run is alive):
   * a running session changes at every step, and a button replaced under the pointer or the focus
   * would lose the click or the keyboard. Otherwise only the counts are written again.
   */
  render(r: SessionRow | undefined): void {
    const forks = r ? this.deps.forks(r.id) : [];
    const key = r ? JSON.stringify([r.id, r.status, r.title, !!r.live, !!r.queued, r.forkOf, forks]) : '';
    this.tail.relabel();
    if (key === this.key && this.meta && r) {
      this.meta.textContent = metaLine(r);
      return;
    }
    this.key = key;
    this.meta = undefined;
    const top = el('div', 'detail-top');
    top.append(iconAction('arrow-left', 'Back to the sessions', () => this.deps.back()));
    const title = el('h2', 'detail-title', r?.title ?? 'Session');
    title.title = r?.title ?? '';
    // Focused by the page (`focusTitle`), not reached with Tab.
    title.tabIndex = -1;
    top.append(title);
    if (r) top.append(iconAction('go-to-file', 'Open the timeline as a document', () => this.deps.act('showSession', r.id)));
    const parts: HTMLElement[] = [top];
    if (r) {
      const meta = el('div', 'detail-meta');
      const badge = document.createElement('vscode-badge');
      // Its command waits for another session's in the folder: not spinning, as one that runs (or is stuck) does.
      const queued = r.status === 'running' && !!r.queued;
      badge.textContent = queued ? 'Waiting its turn' : GROUP_LABEL[r.status];
      badge.className = `status-badge status-${r.status}`;
      this.meta = el('span', '', metaLine(r));
      meta.append(icon(queued ? 'watch' : STATUS_ICON[r.status], { spin: r.status === 'running' && !queued, cls: `status-${r.status}` }), badge, this.meta);
      const actions = el('div', 'detail-actions');
      for (const [command, codicon, label, primary] of detailActions(r)) actions.append(button(label, codicon, () => this.deps.act(command, r.id), { secondary: !primary }));
      // Its place in the tree of sessions: the one it was forked from, and its forks.
      const tree = el('div', 'detail-tree');
      if (r.forkOf) tree.append(forkLine(r.forkOf, this.deps.open));
      const down = forksLine(forks, this.deps.open);
      if (down) tree.append(down);
      parts.push(meta, ...(tree.childElementCount > 0 ? [tree] : []), actions);
    }
    // Rebuilt under the keyboard (the run stopped: Pause became Resume): the focus stays in the header.
    const focus = focusKey(this.root);
    this.root.replaceChildren(...parts, this.tail.box);
    refocus(this.root, focus);
  }

  /** Gives the keyboard focus to the session's title (it was opened from the list): a screen reader says which session shows. */
  focusTitle(): void {
    this.root.querySelector<HTMLElement>('.detail-title')?.focus({ preventScroll: true });
  }
}
