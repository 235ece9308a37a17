import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AstOutliner } from '../../../src/core/code/astOutline';

const GRAMMARS = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
const RUNTIME = require.resolve('web-tree-sitter/web-tree-sitter.wasm');

describe('AstOutliner wasm locations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'savepoint-ast-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads grammars from wasmDir; a missing grammar is a parseError for its language only', async () => {
    await copyFile(join(GRAMMARS, 'tree-sitter-typescript.wasm'), join(dir, 'tree-sitter-typescript.wasm'));
    const outliner = await AstOutliner.create({ wasmDir: dir });
    try {
      assert.equal(outliner.outline('a.ts', 'function f() {}').symbols[0]?.name, 'f');
      const py = outliner.outline('a.py', 'def f():\n    pass\n');
      assert.equal(py.language, 'python');
      assert.deepEqual(py.symbols, []);
      assert.match(py.parseError ?? '', /cannot load tree-sitter-python\.wasm/);
      assert.match(outliner.outline('b.py', 'x = 1').parseError ?? '', /tree-sitter-python/, 'the failure is cached, not thrown');
    } finally {
      outliner.dispose();
    }
  });

  it('prepare() loads grammars asynchronously and never rejects', async () => {
    const outliner = await AstOutliner.create();
    try {
      await outliner.prepare(['a.go', 'b.go', 'README.md', 'c.rs']);
      assert.equal(outliner.outline('a.go', 'package p\nfunc F() {}\n').symbols[0]?.name, 'F');
    } finally {
      outliner.dispose();
    }
    const empty = await AstOutliner.create({ wasmDir: dir });
    try {
      await empty.prepare(['a.java']);
      assert.match(empty.outline('A.java', 'class A {}').parseError ?? '', /tree-sitter-java/);
    } finally {
      empty.dispose();
    }
  });

  // Parser.init is once per process, so the bundle layout (runtime and grammars copied next to
  // dist/) is checked in a fresh Node process.
  it('runs from copied wasm files with runtimeWasmPath, as a bundle does', async function () {
    this.timeout(30_000);
    await copyFile(RUNTIME, join(dir, 'runtime.wasm'));
    await copyFile(join(GRAMMARS, 'tree-sitter-rust.wasm'), join(dir, 'tree-sitter-rust.wasm'));
    const script = `
      const { AstOutliner } = require(${JSON.stringify(require.resolve('../../../src/core/code/astOutline'))});
      AstOutliner.create({ wasmDir: process.argv[1], runtimeWasmPath: process.argv[2] }).then(
        (o) => console.log(JSON.stringify(o.outline('lib.rs', 'fn main() {}').symbols.map((s) => s.name))),
        (e) => { console.log('rejected'); process.exitCode = 3; });`;
    const run = promisify(execFile);
    const ok = await run(process.execPath, ['-e', script, dir, join(dir, 'runtime.wasm')]);
    assert.equal(ok.stdout.trim(), '["main"]');
    await assert.rejects(run(process.execPath, ['-e', script, dir, join(dir, 'missing.wasm')]), (e: unknown) => {
      assert.equal((e as { code?: unknown }).code, 3);
      return true;
    });
  });
});
