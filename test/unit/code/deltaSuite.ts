import { AstOutliner } from '../../../src/core/code/astOutline';
import { describeDelta, symbolDelta } from '../../../src/core/code/symbolDelta';

/**
 * For a `describe` of symbol-delta tests: one real outliner, made before its tests and disposed
 * after. `delta` says, as the timeline does, what changing `path` from `a` to `b` did to its symbols.
 */
export function deltaSuite(): { outliner: () => AstOutliner; delta: (path: string, a: string, b: string) => string[] } {
  let made: AstOutliner | undefined;
  before(async () => {
    made = await AstOutliner.create();
  });
  after(() => made?.dispose());
  const outliner = (): AstOutliner => {
    if (!made) throw new Error('the outliner is made in the suite\'s before()');
    return made;
  };
  return { outliner, delta: (path, a, b) => describeDelta(path, symbolDelta(outliner().outline(path, a), outliner().outline(path, b))) };
}
