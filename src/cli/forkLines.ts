import type { SessionSummary } from '../core/store/types';
import { treeNode } from '../core/runner/sessionRows';
import { forksOf, treeLines } from '../shared/sessionTree';
import { terminalLine } from './terminalText';

/**
 * `show`'s lines under a session's own: one per fork made from it ("  forked at step 7 into ‹title›
 * (id)"), so that the tree can be walked down from a parent as the list line walks it up. Empty when
 * none was made.
 */
export function forkLines(all: readonly SessionSummary[], s: SessionSummary): string {
  const forks = forksOf(all.map(treeNode), s.id).map((f) => ({ id: f.id, title: f.title, step: f.forkOf?.step ?? null }));
  return treeLines({ parent: null, forks }, terminalLine).map((l) => `  ${l}\n`).join('');
}
