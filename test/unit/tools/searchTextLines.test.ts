import assert from 'node:assert/strict';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { SEARCH_BATCH_BUDGET_MS, searchTextTool } from '../../../src/core/tools/searchText';
import { call, scratch, toolContext } from './toolHarness';

describe('search_text: lines as an editor shows them, and patterns that never end', () => {
  const tmp = scratch('searchlines');
  afterEach(() => tmp.cleanup());

  it('a final newline starts no extra line, and $ matches at the end of a CRLF line', async () => {
    const root = await tmp.make({ 'unix.txt': 'a\n\nb\n', 'win.txt': 'x;\r\ny\r\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    assert.equal((await call(searchTextTool, { pattern: '^$', regex: true }, ctx)).output?.content, 'unix.txt:2: ');
    assert.equal((await call(searchTextTool, { pattern: ';$', regex: true }, ctx)).output?.content, 'win.txt:1: x;');
  });

  it('refuses a literal pattern with a line break, and says a regex one never matches across lines', async () => {
    const root = await tmp.make({ 'a.txt': 'one\ntwo\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    const literal = await call(searchTextTool, { pattern: 'one\ntwo' }, ctx);
    assert.equal(literal.error?.code, 'INVALID_INPUT');
    assert.match(literal.error!.message, /one line at a time/);
    assert.match((await call(searchTextTool, { pattern: 'one\\ntwo', regex: true }, ctx)).output!.content, /^No matches.*within one line/);
  });

  it('searches one file when dir names a file', async () => {
    const root = await tmp.make({ 'src/a.ts': 'needle\n', 'src/b.ts': 'needle\n' });
    const ctx = toolContext(new NodeWorkspace(root));
    assert.equal((await call(searchTextTool, { pattern: 'needle', dir: 'src/b.ts' }, ctx)).output?.content, 'src/b.ts:1: needle');
  });

  it('stops a regular expression that backtracks without end, naming the file, and keeps the event loop free meanwhile', async () => {
    const root = await tmp.make({ 'a.txt': 'first a\n', 'b.txt': `${'a'.repeat(64)}!\n` });
    const ctx = toolContext(new NodeWorkspace(root));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 100);
    const started = Date.now();
    const r = await call(searchTextTool, { pattern: '(a+)+$', regex: true }, ctx).finally(() => clearInterval(timer));
    const took = Date.now() - started;
    assert.equal(r.output?.isError, true);
    assert.match(r.output!.content, /Stopped: the regular expression ran for more than 3 s on (a|b)\.txt/);
    assert.ok(took < SEARCH_BATCH_BUDGET_MS + 5000, `stopped after ${took} ms`);
    assert.ok(ticks >= 10, `the event loop ran meanwhile (${ticks} ticks)`);
  });

  it('a cancel stops a regular expression that backtracks, at once', async () => {
    const root = await tmp.make({ 'b.txt': `${'a'.repeat(64)}!\n` });
    const ac = new AbortController();
    const ctx = toolContext(new NodeWorkspace(root), undefined, ac.signal);
    setTimeout(() => ac.abort(), 200);
    const started = Date.now();
    await assert.rejects(call(searchTextTool, { pattern: '(a+)+$', regex: true }, ctx), (e: unknown) => (e as Error).name === 'AbortError');
    assert.ok(Date.now() - started < SEARCH_BATCH_BUDGET_MS, 'before the budget ran out');
  });

  it('a regular expression finds the same lines as before the worker: several files, many hits, max_results', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${String(i).padStart(2, '0')}.txt`] = 'x = 1\ny = 22\n'.repeat(3);
    const ctx = toolContext(new NodeWorkspace(await tmp.make(files)));
    const r = await call(searchTextTool, { pattern: '= \\d{2}$', regex: true, max_results: 4 }, ctx);
    assert.equal(r.output?.content, ['f00.txt:2: y = 22', 'f00.txt:4: y = 22', 'f00.txt:6: y = 22', 'f01.txt:2: y = 22', '[Stopped at 4 matches; narrow the search (dir, glob) or raise max_results.]'].join('\n'));
  });
});
