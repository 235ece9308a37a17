import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { commandSession, keptSessions } from './helpers/commandSession';

/**
 * A rename that changes only the case of a name (`git mv Readme.md README.md`, a component renamed
 * `button.tsx` -> `Button.tsx`) is one file moved: the rewind brings the old name back with its bytes
 * and removes the new one, and its undo does the reverse, with nothing left behind.
 */
describe('a rename that changes only the case of a name', function () {
  this.timeout(60_000);
  const keep = keptSessions();

  it('is recorded as a rename, and a rewind and its undo each leave exactly one of the two names', async function () {
    // Where the two names are one file, the describe below.
    if (await tmpIgnoresCase()) this.skip();
    const README = '# demo\n\nSee the docs.\n';
    const prepare = async (ws: string) => {
      await mkdir(join(ws, 'src'));
      await writeFile(join(ws, 'Readme.md'), README);
      await writeFile(join(ws, 'src/button.tsx'), 'export const Button = 1;\n');
    };
    const { h, id, ws } = await commandSession(['mv Readme.md README.md && mv src/button.tsx src/Button.tsx'], { prepare, keep });
    const result = (await h.events(id)).find((e) => e.type === 'tool_result');
    assert.match(String(result?.data.content), /\[files changed by the command: R Readme\.md -> README\.md, R src\/button\.tsx -> src\/Button\.tsx\]/);

    const names = async () => [...(await readdir(h.workspace)), ...(await readdir(join(h.workspace, 'src'))).map((n) => `src/${n}`)].sort();
    const rewound = await applyRewind(h.store, ws, await planRewind(h.store, ws, id, 0));
    assert.deepEqual(rewound.skipped, []);
    assert.deepEqual(await names(), ['Readme.md', 'src', 'src/button.tsx']);
    assert.equal(await readFile(join(h.workspace, 'Readme.md'), 'utf8'), README);

    const undone = await undoRewind(h.store, ws, await planUndo(h.store, ws, id, rewound.rewindId));
    assert.deepEqual(undone.skipped, []);
    assert.deepEqual(await names(), ['README.md', 'src', 'src/Button.tsx']);
    assert.equal(await readFile(join(h.workspace, 'README.md'), 'utf8'), README);
    assert.equal(await readFile(join(h.workspace, 'src/Button.tsx'), 'utf8'), 'export const Button = 1;\n');
  });
});

/** Whether the file system of the temporary folder (where the sessions' workspaces are made) ignores case: macOS and Windows by default. */
async function tmpIgnoresCase(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'savepoint-case-'));
  try {
    await writeFile(join(dir, 'probe'), '');
    return existsSync(join(dir, 'PROBE'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same rename where the names are one file (macOS, Windows; on Linux, a TMPDIR on an exFAT
 * mount): skipped where the temporary folder tells case apart.
 */
describe('a rename that changes only the case of a name, on a file system that ignores case', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  const README = '# demo\n\nSee the docs.\n';

  it('is recorded as a rename, not as a new file next to the old one', async function () {
    if (!(await tmpIgnoresCase())) this.skip();
    const { h, id } = await commandSession(['mv Readme.md README.md'], { prepare: (ws) => writeFile(join(ws, 'Readme.md'), README), keep });
    const result = (await h.events(id)).find((e) => e.type === 'tool_result');
    assert.match(String(result?.data.content), /\[files changed by the command: R Readme\.md -> README\.md\]/);
  });

  it('a rewind never deletes the file under its new name: it stays, and the preview says why', async function () {
    if (!(await tmpIgnoresCase())) this.skip();
    const prepare = async (ws: string) => {
      await mkdir(join(ws, 'src'));
      await writeFile(join(ws, 'Readme.md'), README);
      await writeFile(join(ws, 'src/button.tsx'), 'export const Button = 1;\n');
    };
    const { h, id, ws } = await commandSession(['mv Readme.md README.md && mv src/button.tsx src/Button.tsx'], { prepare, keep });
    const plan = await planRewind(h.store, ws, id, 0);
    assert.match(plan.files.find((f) => f.path === 'README.md')?.diff ?? '', /README\.md is kept: on this file system it is the same file as Readme\.md/);
    await applyRewind(h.store, ws, plan);
    assert.deepEqual([...(await readdir(h.workspace)), ...(await readdir(join(h.workspace, 'src'))).map((n) => `src/${n}`)].sort(), ['README.md', 'src', 'src/Button.tsx']);
    assert.equal(await readFile(join(h.workspace, 'README.md'), 'utf8'), README);
    assert.equal(await readFile(join(h.workspace, 'src/Button.tsx'), 'utf8'), 'export const Button = 1;\n');
  });
});
