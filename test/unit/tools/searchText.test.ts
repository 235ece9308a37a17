import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { SEARCH_MAX_FILE_BYTES, searchTextTool } from '../../../src/core/tools/searchText';
import { call, scratch, toolContext } from './toolHarness';

describe('search_text', () => {
  const tmp = scratch('search');
  afterEach(() => tmp.cleanup());

  async function setup() {
    const root = await tmp.make({
      '.gitignore': 'build/\n',
      'src/a.ts': 'const total = price * qty;\nfunction Total() {}\n// a.b(c)\n',
      'src/b.js': 'let total = 1;\r\n',
      'docs/notes.md': 'The total is computed.\n',
      'build/a.js': 'total in a build\n',
      'bin.dat': new Uint8Array([116, 111, 116, 97, 108, 0, 1]),
    });
    return { root, ctx: toolContext(new NodeWorkspace(root)) };
  }

  it('finds literal text as path:line: text, skipping ignored, binary and large files', async () => {
    const { ctx } = await setup();
    const r = await call(searchTextTool, { pattern: 'total' }, ctx);
    assert.equal(
      r.output?.content,
      ['docs/notes.md:1: The total is computed.', 'src/a.ts:1: const total = price * qty;', 'src/b.js:1: let total = 1;'].join('\n'),
    );
  });

  it('treats the pattern literally unless regex is set, and honours case sensitivity', async () => {
    const { ctx } = await setup();
    assert.equal((await call(searchTextTool, { pattern: 'a.b(c)' }, ctx)).output?.content, 'src/a.ts:3: // a.b(c)');
    assert.equal((await call(searchTextTool, { pattern: 'function\\s+T', regex: true }, ctx)).output?.content, 'src/a.ts:2: function Total() {}');
    const ci = await call(searchTextTool, { pattern: 'TOTAL', case_sensitive: false, glob: 'src/**' }, ctx);
    assert.equal(ci.output?.content.split('\n').length, 3);
    const invalid = await call(searchTextTool, { pattern: '(', regex: true }, ctx);
    assert.equal(invalid.error?.code, 'INVALID_INPUT');
  });

  it('filters with a glob (by name without a slash, by path with one) and a dir', async () => {
    const { ctx } = await setup();
    assert.equal((await call(searchTextTool, { pattern: 'total', glob: '*.md' }, ctx)).output?.content, 'docs/notes.md:1: The total is computed.');
    assert.equal((await call(searchTextTool, { pattern: 'total', glob: 'src/*.js' }, ctx)).output?.content, 'src/b.js:1: let total = 1;');
    assert.equal((await call(searchTextTool, { pattern: 'total', dir: 'docs' }, ctx)).output?.content, 'docs/notes.md:1: The total is computed.');
    assert.match((await call(searchTextTool, { pattern: 'nothing-like-this' }, ctx)).output!.content, /^No matches/);
    assert.equal((await call(searchTextTool, { pattern: 'total', dir: '../x' }, ctx)).error?.code, 'OUTSIDE_WORKSPACE');
  });

  it('in a listing cut at its limit, says it found no match in the part it searched, not in the folder', async () => {
    const root = await tmp.make({ 'a.txt': 'x\n' });
    // More entries than a search lists: 60 folders of 1,000 empty files.
    await Promise.all(Array.from({ length: 60 }, async (_, d) => {
      await mkdir(join(root, `d${d}`));
      for (let f = 0; f < 1000; f++) await writeFile(join(root, `d${d}`, `f${f}`), '');
    }));
    const content = (await call(searchTextTool, { pattern: 'needle' }, toolContext(new NodeWorkspace(root)))).output!.content;
    assert.match(content, /^No matches for "needle" in the first 50000 entries under \.\.\n\[Only the first 50000 entries under \. were searched; narrow dir\.\]/);
  });

  it('stops at max_results and says so; skips large files and says so; shortens very long lines', async () => {
    const root = await tmp.make({ 'huge.txt': `hit\n${'z'.repeat(SEARCH_MAX_FILE_BYTES)}`, 'many.txt': 'hit\n'.repeat(50), 'long.txt': `${'a'.repeat(1000)}NEEDLE${'b'.repeat(1000)}\n` });
    const ctx = toolContext(new NodeWorkspace(root));
    const r = await call(searchTextTool, { pattern: 'hit', max_results: 5 }, ctx);
    assert.equal(r.output?.content.split('\n').length, 7);
    assert.match(r.output!.content, /Stopped at 5 matches/);
    assert.match(r.output!.content, /\[1 file over 1\.0 MB was skipped\.\]/);
    const long = await call(searchTextTool, { pattern: 'NEEDLE' }, ctx);
    assert.ok(long.output!.content.includes('NEEDLE'));
    assert.ok(long.output!.content.length < 400);
  });

  it('a search over many files lets a cancel in while it runs (small files are read synchronously)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) files[`src/m${i}.ts`] = `export const v${i} = ${i};\n`.repeat(40);
    const root = await tmp.make(files);
    const ac = new AbortController();
    let reads = 0;
    // The cancel is queued on the event loop once the scan has started: it lands only if the scan lets the loop run.
    const ws = new (class extends NodeWorkspace {
      override async readFile(rel: string) {
        if (++reads === 5) setImmediate(() => ac.abort());
        return super.readFile(rel);
      }
    })(root);
    await assert.rejects(call(searchTextTool, { pattern: 'not there' }, toolContext(ws, undefined, ac.signal)), (e: unknown) => (e as Error).name === 'AbortError');
    assert.ok(reads < 2000, `the scan stopped early (${reads} files read)`);
  });

  it('reads a regular expression with Unicode escapes (\\p{...}, \\u{...}) as Unicode, and one valid only without them as before', async () => {
    const root = await tmp.make({ 'names.txt': 'plain ascii\nÉmile Zola\nsmile \u{1F600}\nkey: "v"\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    assert.equal((await call(searchTextTool, { pattern: '^\\p{Lu}\\p{Ll}+ ', regex: true }, ctx)).output?.content, 'names.txt:2: Émile Zola');
    assert.equal((await call(searchTextTool, { pattern: '\\u{1F600}$', regex: true }, ctx)).output?.content, 'names.txt:3: smile \u{1F600}');
    assert.equal((await call(searchTextTool, { pattern: 'key: \\"v\\"', regex: true }, ctx)).output?.content, 'names.txt:4: key: "v"');
  });
});
