import assert from 'node:assert/strict';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { decodeOutline, encodeOutline } from '../../../src/core/code/outlineRecord';
import type { Outline } from '../../../src/core/code/outlineTypes';
import { MAX_OUTLINED_FILES, symbolSnapshot } from '../../../src/core/runner/stepEffects';
import { hashBlob } from '../../../src/core/store/blobFormat';

const enc = new TextEncoder();
const SRC = 'export class Cache {\n  get(k: string) {\n    return k;\n  }\n}\n\nexport function parseConfig(text: string) {\n  return JSON.parse(text);\n}\n';

describe('stored outlines: the AST snapshot of a file version', function () {
  let outliner: AstOutliner;
  before(async () => {
    outliner = await AstOutliner.create();
  });
  after(() => outliner.dispose());

  it('round-trips every field, including a parse failure and a skipped file, and encodes the same outline to the same bytes', () => {
    const real = outliner.outline('src/config.ts', SRC);
    assert.deepEqual(real.symbols.map((s) => s.name), ['Cache', 'Cache.get', 'parseConfig']);
    assert.deepEqual(decodeOutline(encodeOutline(real)), real);
    assert.deepEqual(encodeOutline(outliner.outline('src/config.ts', SRC)), encodeOutline(real), 'canonical: equal outlines are one blob');
    const failed: Outline = { language: 'python', symbols: [], hasSyntaxErrors: false, parseError: 'no tree' };
    const skipped: Outline = { language: 'go', symbols: [], hasSyntaxErrors: false, skipped: 'tooLarge' };
    assert.deepEqual(decodeOutline(encodeOutline(failed)), failed);
    assert.deepEqual(decodeOutline(encodeOutline(skipped)), skipped);
  });

  it('the outliner reuses the outline of a text it parsed recently (a step\'s before is the last step\'s after), per language', () => {
    const first = outliner.outline('src/config.ts', SRC);
    assert.equal(outliner.outline('src/other.ts', SRC), first, 'same text, same language: not parsed again');
    assert.notEqual(outliner.outline('src/config.js', SRC), first, 'another language parses on its own');
    assert.notEqual(outliner.outline('src/config.ts', `${SRC}\n`), first);
  });

  it('a record it cannot read fails with what is wrong: not JSON, a wrong shape, a newer format', () => {
    assert.throws(() => decodeOutline(enc.encode('{"v":1,')), /not JSON/);
    assert.throws(() => decodeOutline(enc.encode('{"v":1,"language":"ts","syntaxErrors":false,"symbols":[["a","function",1]]}')), /not valid/);
    assert.throws(() => decodeOutline(enc.encode('{"v":7,"language":"ts","syntaxErrors":false,"symbols":[],"more":1}')), /format 7, newer than this Savepoint/);
  });

  it('a step keeps the outline of each file version it left, as a delta against the version before; deleted and unsupported files have none', async () => {
    const after = SRC.replace('return k;', 'return k.trim();');
    const snap = await symbolSnapshot(outliner, [
      { path: 'src/config.ts', before: enc.encode(SRC), after: enc.encode(after) },
      { path: 'src/gone.ts', before: enc.encode('export const a = 1;\n'), after: null },
      { path: 'notes.txt', before: enc.encode('a\n'), after: enc.encode('b\n') },
      { path: 'src/new.py', before: null, after: enc.encode('def f():\n    return 1\n') },
    ]);
    assert.deepEqual(snap.lines, ['changed method `Cache.get` in src/config.ts', 'removed constant `a` in src/gone.ts', 'added function `f` in src/new.py']);
    assert.deepEqual(snap.outlines.map((o) => [o.path, o.symbols]), [['src/config.ts', 3], ['src/new.py', 1]]);
    const [ts, py] = snap.outlines;
    assert.equal(ts?.file, hashBlob(enc.encode(after)), 'the outline names the file version it was read from');
    const tsBlob = snap.blobs.find((b) => b.hash === ts?.outline);
    assert.deepEqual(decodeOutline(tsBlob?.content as Uint8Array), outliner.outline('src/config.ts', after));
    assert.equal(tsBlob?.deltaBase, hashBlob(encodeOutline(outliner.outline('src/config.ts', SRC))), 'stored against the outline before the step');
    assert.equal(snap.blobs.find((b) => b.hash === py?.outline)?.deltaBase, undefined, 'a created file has no outline before it');
  });

  it('a file whose earlier contents were not kept still gets the outline of the version the step left, and says why there is no delta', async () => {
    const snap = await symbolSnapshot(outliner, [{ path: 'src/config.ts', before: undefined, after: enc.encode(SRC) }]);
    assert.deepEqual(snap.lines, ['symbols of src/config.ts before the step not known (its earlier contents were not kept): its outline after is recorded']);
    assert.deepEqual(snap.outlines.map((o) => [o.path, o.symbols]), [['src/config.ts', 3]]);
    assert.equal(snap.blobs[0]?.deltaBase, undefined);
  });

  it(`a step that changes more than ${MAX_OUTLINED_FILES} files outlines the first ones and says how many it left`, async () => {
    const docs = Array.from({ length: MAX_OUTLINED_FILES }, (_, i) => ({ path: `docs/d${i}.md`, before: enc.encode('a\n'), after: enc.encode('b\n') }));
    const ts = Array.from({ length: MAX_OUTLINED_FILES + 3 }, (_, i) => ({ path: `src/f${i}.ts`, before: enc.encode(`export const v${i} = 1;\n`), after: enc.encode(`export const v${i} = 2;\n`) }));
    // Files in languages the outliner does not read do not count against the cap (nor in what is left).
    const files = [...docs, ...ts];
    const snap = await symbolSnapshot(outliner, files);
    assert.equal(snap.outlines.length, MAX_OUTLINED_FILES);
    assert.equal(snap.lines.length, 40);
    assert.equal(snap.lines[39], `symbols of 3 more files not read: the step changed more than ${MAX_OUTLINED_FILES} files`);
  });
});
