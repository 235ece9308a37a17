import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeDrift, detectDrift } from '../../../src/core/checkpoints/drift';
import { applyRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind } from '../../../src/core/checkpoints/rewindPlan';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { AstOutliner } from '../../../src/core/code/astOutline';
import { finalText, harness, toolUse, type Harness } from '../runner/runnerHarness';
import { A0, A3, FILES, NEW, builtSession, sha } from './checkpointHarness';

describe('drift: what changed outside the session since it last saw its files', function () {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('nothing changed: every touched file is unchanged and there is nothing to tell the model', async () => {
    const b = await builtSession();
    h = b.h;
    const drift = await detectDrift(h.store, b.ws, b.id);
    assert.deepEqual(
      drift.map((d) => [d.path, d.kind]),
      [
        ['src/new.ts', 'unchanged'],
        ['src/a.ts', 'unchanged'],
        ['notes.txt', 'unchanged'],
      ],
    );
    assert.equal(describeDrift(drift), undefined);
  });

  it('changed (with a diff from the last known contents), deleted and created; untouched files are not looked at', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'src/a.ts'), A3.replace('return 20;', 'return 21; // user'));
    await rm(join(h.workspace, 'src/new.ts'));
    await writeFile(join(h.workspace, 'notes.txt'), 'new notes\n');
    await writeFile(join(h.workspace, 'README.md'), 'edited too\n');
    const drift = await detectDrift(h.store, b.ws, b.id);
    const by = Object.fromEntries(drift.map((d) => [d.path, d]));
    assert.deepEqual(Object.keys(by).sort(), ['notes.txt', 'src/a.ts', 'src/new.ts']);
    assert.equal(by['src/a.ts']?.kind, 'changed');
    assert.equal(by['src/a.ts']?.knownHash, sha(A3));
    assert.match(by['src/a.ts']?.diff ?? '', /-  return 20;\n\+  return 21; \/\/ user/);
    assert.equal(by['src/new.ts']?.kind, 'deleted');
    assert.equal(by['src/new.ts']?.knownHash, sha(NEW));
    assert.equal(by['src/new.ts']?.diskHash, null);
    assert.equal(by['notes.txt']?.kind, 'created');
    assert.match(by['notes.txt']?.diff ?? '', /\+new notes/);
    const text = describeDrift(drift) ?? '';
    assert.match(text, /^While you were away/);
    assert.match(text, /src\/a\.ts was changed outside the session:\n```diff\n[\s\S]*\+  return 21; \/\/ user/);
    assert.match(text, /src\/new\.ts was deleted outside the session/);
    assert.match(text, /notes\.txt was created outside the session/);
    assert.doesNotMatch(text, /README/);
  });

  it('a file moved or renamed outside the session, its contents unchanged, is told with its new path, not as deleted', async () => {
    const b = await builtSession();
    h = b.h;
    await mkdir(join(h.workspace, 'lib'), { recursive: true });
    await mkdir(join(h.workspace, 'docs'), { recursive: true });
    await writeFile(join(h.workspace, 'docs/new.ts'), 'another file of that name\n');
    await writeFile(join(h.workspace, 'lib/new.ts'), NEW);
    await rm(join(h.workspace, 'src/new.ts'));
    await writeFile(join(h.workspace, 'src/b.ts'), A3);
    await rm(join(h.workspace, 'src/a.ts'));
    const drift = await detectDrift(h.store, b.ws, b.id);
    const by = Object.fromEntries(drift.map((d) => [d.path, d]));
    assert.equal(by['src/new.ts']?.kind, 'deleted');
    assert.equal(by['src/new.ts']?.movedTo, 'lib/new.ts', 'the copy with the same bytes, not the other file of that name');
    assert.equal(by['src/a.ts']?.movedTo, 'src/b.ts', 'a rename in its own folder');
    const text = describeDrift(drift) ?? '';
    assert.match(text, /src\/new\.ts was moved outside the session to lib\/new\.ts, its contents unchanged: use the new path\./);
    assert.match(text, /src\/a\.ts was moved outside the session to src\/b\.ts/);

    await writeFile(join(h.workspace, 'lib/new.ts'), `${NEW}// changed after the move\n`);
    const changed = await detectDrift(h.store, b.ws, b.id);
    const after = changed.find((d) => d.path === 'src/new.ts');
    assert.equal(after?.kind, 'deleted');
    assert.equal(after?.movedTo, undefined, 'moved and changed: not told as a move');
    assert.match(describeDrift(changed) ?? '', /src\/new\.ts was deleted outside the session/);
  });

  it('an empty file deleted is told as deleted, not as moved to another empty file that was there all along', async () => {
    // Empty bytes say nothing of which file it was: every empty __init__.py or .gitkeep has them.
    h = await harness(
      [toolUse('t1', 'write_file', { path: 'pkg/__init__.py', content: '' }), finalText('done', { toolResultFor: 't1', toolResultIsError: false })],
      { 'lib/__init__.py': '', 'pkg/.gitkeep': '', 'main.py': 'print(1)\n' },
    );
    const runner = h.runner();
    const id = await h.start(runner, 'package');
    assert.equal((await runner.run(id)).status, 'completed');
    await rm(join(h.workspace, 'pkg/__init__.py'));
    const drift = await detectDrift(h.store, new NodeWorkspace(h.workspace), id);
    const gone = drift.find((d) => d.path === 'pkg/__init__.py');
    assert.equal(gone?.kind, 'deleted');
    assert.equal(gone?.movedTo, undefined, 'lib/__init__.py and pkg/.gitkeep were there before the session: nothing was moved');
    assert.match(describeDrift(drift) ?? '', /pkg\/__init__\.py was deleted outside the session/);
  });

  it('a path that can no longer be read (now a directory) is reported as such, and the other files are still compared', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'src/a.ts'), A3.replace('return 20;', 'return 21; // user'));
    await rm(join(h.workspace, 'src/new.ts'));
    await mkdir(join(h.workspace, 'src/new.ts'));
    const drift = await detectDrift(h.store, b.ws, b.id);
    const by = Object.fromEntries(drift.map((d) => [d.path, d]));
    assert.equal(by['src/a.ts']?.kind, 'changed');
    assert.equal(by['src/new.ts']?.kind, 'unreadable');
    assert.equal(by['src/new.ts']?.knownHash, sha(NEW));
    assert.match(by['src/new.ts']?.reason ?? '', /directory/);
    assert.equal(by['notes.txt']?.kind, 'unchanged');
    const text = describeDrift(drift) ?? '';
    assert.match(text, /src\/a\.ts was changed outside the session:\n```diff\n[\s\S]*\+  return 21; \/\/ user/);
    assert.match(text, /src\/new\.ts can no longer be read as a file \([^)]*directory[^)]*\); it was changed outside the session\./);
  });

  it('with an outliner, the model is also told which symbols the change outside touched, even when the diff is left out', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'src/a.ts'), A3.replace('return 20;', 'return 21; // user'));
    await writeFile(join(h.workspace, 'src/new.ts'), `${NEW}export function added() {\n  return 0;\n}\n`);
    const outliner = await AstOutliner.create();
    try {
      const drift = await detectDrift(h.store, b.ws, b.id, { outliner });
      const by = Object.fromEntries(drift.map((d) => [d.path, d]));
      assert.deepEqual(by['src/a.ts']?.symbols, ['changed function `beta` in src/a.ts']);
      assert.deepEqual(by['src/new.ts']?.symbols, ['added function `added` in src/new.ts']);
      assert.equal(by['notes.txt']?.symbols, undefined, 'not a language the outliner reads');
      assert.match(describeDrift(drift) ?? '', /src\/a\.ts was changed outside the session:\nchanged function `beta` in src\/a\.ts\n```diff\n/);
      const short = describeDrift(drift, { maxChars: 400 }) ?? '';
      assert.match(short, /src\/new\.ts was changed outside the session:\nadded function `added` in src\/new\.ts\n\(diff left out: too long\)/);
    } finally {
      outliner.dispose();
    }
  });

  it('files the session only read count too ("last saw"): changed since the read, with the diff from what the model read; a read after a write replaces the write', async () => {
    h = await harness(
      [
        toolUse('r1', 'read_file', { path: 'README.md' }),
        toolUse('e1', 'edit_file', { path: 'src/a.ts', old_text: 'return 1;', new_text: 'return 10;' }, { toolResultFor: 'r1' }),
        toolUse('r2', 'read_file', { path: 'src/a.ts' }, { toolResultFor: 'e1' }),
        toolUse('r3', 'read_file', { path: 'gone.txt' }, { toolResultFor: 'r2' }),
        finalText('done', { toolResultFor: 'r3' }),
      ],
      { ...FILES, 'gone.txt': 'soon gone\n' },
    );
    const runner = h.runner();
    const id = await h.start(runner);
    assert.equal((await runner.run(id)).status, 'completed');
    const ws = new NodeWorkspace(h.workspace);
    const quiet = await detectDrift(h.store, ws, id);
    assert.deepEqual(quiet.map((d) => [d.path, d.kind, d.read ?? false]), [['src/a.ts', 'unchanged', true], ['README.md', 'unchanged', true], ['gone.txt', 'unchanged', true]]);

    await writeFile(join(h.workspace, 'README.md'), '# demo\nedited by the user\n');
    await writeFile(join(h.workspace, 'src/a.ts'), A0.replace('return 1;', 'return 10; // user'));
    await rm(join(h.workspace, 'gone.txt'));
    await writeFile(join(h.workspace, 'notes.txt'), 'never read, never written by the session\n');
    const drift = await detectDrift(h.store, ws, id);
    const by = Object.fromEntries(drift.map((d) => [d.path, d]));
    assert.deepEqual(Object.keys(by).sort(), ['README.md', 'gone.txt', 'src/a.ts']);
    assert.deepEqual([by['README.md']?.kind, by['README.md']?.read, by['README.md']?.knownHash], ['changed', true, sha('# demo\n')]);
    assert.match(by['README.md']?.diff ?? '', /\+edited by the user/);
    assert.deepEqual([by['src/a.ts']?.kind, by['src/a.ts']?.read], ['changed', true], 'the read after the edit is what the model last saw');
    assert.deepEqual([by['gone.txt']?.kind, by['gone.txt']?.read], ['deleted', true]);
    const text = describeDrift(drift) ?? '';
    assert.match(text, /README\.md was changed outside the session since you read it:\n```diff\n[\s\S]*\+edited by the user/);
    assert.match(text, /gone\.txt was deleted outside the session \(you had read it\)/);
    assert.doesNotMatch(text, /notes\.txt/);
  });

  it('stays bounded: each diff is cut, and the whole text stops at its cap with a count of what was left out', async () => {
    const b = await builtSession();
    h = b.h;
    const big = Array.from({ length: 5000 }, (_, i) => `line ${i} of a long generated file\n`).join('');
    await writeFile(join(h.workspace, 'src/a.ts'), big);
    await writeFile(join(h.workspace, 'src/new.ts'), big);
    const drift = await detectDrift(h.store, b.ws, b.id, { maxDiffChars: 2000 });
    for (const d of drift.filter((x) => x.kind === 'changed')) {
      assert.ok((d.diff ?? '').length < 2200);
      assert.match(d.diff ?? '', /diff cut at 2000/);
    }
    const text = describeDrift(drift, { maxChars: 3000 }) ?? '';
    assert.ok(text.length <= 3000, `${text.length}`);
    assert.match(text, /1 more file changed outside the session \(not shown\)|diff left out/);
  });

  it('files left out of a note at its cap are still named, as many as fit, so the model knows which to read again', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `src/mod${String(i).padStart(2, '0')}.ts`);
    const body = (tag: string) => Array.from({ length: 20 }, (_, k) => `export const v${k} = '${tag}';\n`).join('');
    const steps = names.map((p, i) => toolUse(`w${i}`, 'write_file', { path: p, content: body('session') }, i > 0 ? { toolResultFor: `w${i - 1}` } : undefined));
    h = await harness([...steps, finalText('done', { toolResultFor: `w${names.length - 1}` })]);
    const id = await h.start(h.runner());
    assert.equal((await h.runner().run(id)).status, 'completed');
    for (const p of names) await writeFile(join(h.workspace, p), body('user'));
    const text = describeDrift(await detectDrift(h.store, new NodeWorkspace(h.workspace), id), { maxChars: 6000 }) ?? '';
    assert.ok(text.length <= 6000, `${text.length}`);
    assert.match(text, /more files changed outside the session \(not shown\): src\/mod/);
    for (const p of names) assert.ok(text.includes(p), `${p} is not named in the note: ${text.slice(-600)}`);
  });

  it('binary contents are named, not dumped', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'src/a.ts'), Buffer.from([0, 1, 2, 3, 0, 255]));
    const drift = await detectDrift(h.store, b.ws, b.id);
    assert.match(drift.find((d) => d.path === 'src/a.ts')?.diff ?? '', /^Binary file src\/a\.ts differs/);
  });

  it('line endings converted by the user (a short file): the model is told that only they changed, not shown every line taken out and put back the same', async () => {
    const b = await builtSession();
    h = b.h;
    await writeFile(join(h.workspace, 'src/a.ts'), A3.replace(/\n/g, '\r\n'));
    const drift = await detectDrift(h.store, b.ws, b.id);
    const a = drift.find((d) => d.path === 'src/a.ts');
    assert.equal(a?.kind, 'changed');
    assert.match(a?.diff ?? '', /only the line endings changed \(now CRLF\)/);
    assert.doesNotMatch(a?.diff ?? '', /^-export/m, 'every line shown as removed and added again, looking the same');
    assert.match(describeDrift(drift) ?? '', /src\/a\.ts was changed outside the session:\n```diff\nsrc\/a\.ts: only the line endings changed/);
  });

  it('line endings converted and a line changed too: the model is shown the changed line and told the endings changed, not every line taken out and put back (cut before the change)', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `const value${i} = compute(${i});\n`);
    h = await harness([toolUse('r1', 'read_file', { path: 'src/gen.ts' }), finalText('done', { toolResultFor: 'r1' })], { 'src/gen.ts': lines.join('') });
    const id = await h.start(h.runner());
    assert.equal((await h.runner().run(id)).status, 'completed');
    await writeFile(join(h.workspace, 'src/gen.ts'), lines.map((l, i) => (i === 150 ? 'const value150 = changedByUser();\n' : l)).join('').replace(/\n/g, '\r\n'));
    const gen = (await detectDrift(h.store, new NodeWorkspace(h.workspace), id)).find((d) => d.path === 'src/gen.ts');
    assert.equal(gen?.kind, 'changed');
    assert.match(gen?.diff ?? '', /^src\/gen\.ts: the line endings changed too \(now CRLF\)/);
    assert.match(gen?.diff ?? '', /\n-const value150 = compute\(150\);\n\+const value150 = changedByUser\(\);\n/);
    assert.doesNotMatch(gen?.diff ?? '', /^-const value0 /m, 'an unchanged line shown as removed and added again');
  });

  it('after a files rewind, the model is told its files were rewound; as the session\'s own writes they are unchanged', async () => {
    const b = await builtSession();
    h = b.h;
    await applyRewind(h.store, b.ws, await planRewind(h.store, b.ws, b.id, 0));
    const drift = await detectDrift(h.store, b.ws, b.id);
    assert.deepEqual(
      drift.map((d) => [d.path, d.kind, d.rewound ?? false]),
      [
        ['src/new.ts', 'deleted', true],
        ['src/a.ts', 'changed', true],
        ['notes.txt', 'created', true],
      ],
    );
    const text = describeDrift(drift) ?? '';
    assert.match(text, /src\/a\.ts was rewound by the user to an earlier checkpoint:\n```diff\n[\s\S]*-  return 20;/);
    assert.match(text, /src\/new\.ts was rewound by the user to an earlier checkpoint, which deleted it\./);
    assert.deepEqual((await detectDrift(h.store, b.ws, b.id, { includeRewinds: true })).map((d) => d.kind), ['unchanged', 'unchanged', 'unchanged']);
    await writeFile(join(h.workspace, 'src/a.ts'), 'after\n');
    assert.equal((await detectDrift(h.store, b.ws, b.id)).find((d) => d.path === 'src/a.ts')?.rewound, undefined, 'edited since: not the rewind\'s doing');
  });
});
