import assert from 'node:assert/strict';
import path from 'node:path';
import { CommandDiagnostics } from '../../../src/core/node/commandDiagnostics';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { scratch, writeTree } from '../tools/toolHarness';

/**
 * cargo names files relative to its own workspace root, not to where it was started: a crate in a
 * subfolder checked from the project root (`cargo check --manifest-path rs/Cargo.toml`) prints
 * ` --> src/main.rs:2:18` for rs/src/main.rs. The output below is what cargo 1.x prints then.
 */
async function check(root: string, output: string): Promise<string[]> {
  await writeTree(root, { 'check-output.txt': output });
  const d = new CommandDiagnostics({ command: 'cat check-output.txt; exit 101', root, runner: new NodeProcessRunner() });
  return (await d.collect()).map((f) => `${f.path}:${f.line}:${f.column} ${f.message}`);
}

const failure = (dir: string, file: string) =>
  [
    `    Checking rs v0.1.0 (${dir})`,
    'error[E0308]: mismatched types',
    ` --> ${file}:2:18`,
    '  |',
    '2 |     let x: i32 = "s";',
    '  |            ---   ^^^ expected `i32`, found `&str`',
    '',
    'error: could not compile `rs` (bin "rs") due to 1 previous error',
    '',
  ].join('\n');

describe('CommandDiagnostics: cargo run on a crate in a subfolder', () => {
  const tmp = scratch('diag-cargo-dir');
  afterEach(() => tmp.cleanup());

  it('a path cargo prints relative to the crate it checked is found in that crate', async () => {
    const root = await tmp.make({ 'rs/Cargo.toml': '[package]\nname = "rs"\n', 'rs/src/main.rs': 'fn main() {\n    let x: i32 = "s";\n}\n' });
    assert.deepEqual(await check(root, failure(path.join(root, 'rs'), 'src/main.rs')), ['rs/src/main.rs:2:18 mismatched types']);
  });

  it('in a cargo workspace, relative to the workspace root above the member', async () => {
    const root = await tmp.make({ 'rust/crates/core/src/lib.rs': 'pub fn f() {\n    let x: i32 = "s";\n}\n' });
    assert.deepEqual(await check(root, failure(path.join(root, 'rust/crates/core'), 'crates/core/src/lib.rs')), ['rust/crates/core/src/lib.rs:2:18 mismatched types']);
  });

  it('a path that exists from the workspace root stays as it is', async () => {
    const root = await tmp.make({ 'src/main.rs': 'fn main() {}\n', 'rs/src/main.rs': 'fn main() {}\n' });
    assert.deepEqual(await check(root, failure(root, 'src/main.rs')), ['src/main.rs:2:18 mismatched types']);
  });
});
