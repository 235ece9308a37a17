import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDrift } from '../../../src/core/checkpoints/drift';
import { applyRewind, undoRewind } from '../../../src/core/checkpoints/rewind';
import { planRewind, planUndo } from '../../../src/core/checkpoints/rewindPlan';
import { stepDiffs } from '../../../src/core/checkpoints/stepDiffs';
import type { SideEffect, ToolResultData } from '../../../src/core/runner/runEvents';
import { readJournal } from '../../../src/core/checkpoints/checkpointEvents';
import { timelineLine } from '../../../src/core/runner/timeline';
import { applyEvents, emptyTimeline } from '../../../src/core/runner/timelineView';
import type { JournalEvent } from '../../../src/core/store/types';
import { commandSession, keptSessions, type CommandSession } from './helpers/commandSession';
import { entryKind } from './helpers/linkSession';

const prepare = async (w: string) => {
  await writeFile(join(w, 'a.txt'), 'a\n');
  await writeFile(join(w, 'b.txt'), 'b\n');
};

/** The side effects each step's command recorded, as `path kind before-link after-link`. */
async function effects(s: CommandSession): Promise<string[][]> {
  const journal = await readJournal(s.h.store, s.id);
  return journal
    .filter((e) => e.type === 'tool_result')
    .map((e) => ((e.data as ToolResultData).sideEffects ?? []).map((c: SideEffect) => `${c.path} ${c.kind} ${c.beforeLink ?? '-'} ${c.afterLink ?? '-'}`));
}

/**
 * Symlinks a command made, retargeted or removed are steps' changes like files: listed as links with
 * their text, and rewound and undone byte-exact as links (the link itself, never what it leads to),
 * a link that replaced a file and a file that replaced a link included.
 */
describe('rewind and undo of symlinks a command made, retargeted or removed (real runner session, real files; POSIX)', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  let outside: string | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  afterEach(async () => {
    if (outside) await rm(outside, { recursive: true, force: true });
    outside = undefined;
  });

  it('a link created, retargeted and removed: each step listed, every step rewound to, each rewind undone', async () => {
    const s = await commandSession(['ln -s a.txt l', 'ln -sfn b.txt l', 'rm l'], { prepare, keep });
    const kind = (p: string) => entryKind(s.h.workspace, p);
    assert.deepEqual(await effects(s), [['l created - a.txt'], ['l modified a.txt b.txt'], ['l deleted b.txt -']]);
    const diffs = await stepDiffs(s.h.store, s.id);
    assert.deepEqual(diffs.map((d) => d.diff.split('\n')[0]), ['l: symlink to a.txt', 'l: symlink retargeted: a.txt -> b.txt', 'l: symlink to b.txt, removed']);
    assert.match(diffs[1]?.diff ?? '', /-a\.txt\n\\ No newline at end of file\n\+b\.txt/);
    assert.equal(await kind('l'), 'absent');

    const two = await planRewind(s.h.store, s.ws, s.id, 2);
    assert.deepEqual(two.files.map((f) => [f.path, f.action, f.toLink, f.fromLink, f.conflict, f.link]), [['l', 'create', 'b.txt', undefined, false, undefined]]);
    const r2 = await applyRewind(s.h.store, s.ws, two);
    assert.deepEqual(r2.written, ['l']);
    assert.equal(await kind('l'), 'link to b.txt');

    const one = await planRewind(s.h.store, s.ws, s.id, 1);
    assert.deepEqual(one.files.map((f) => [f.action, f.toLink, f.fromLink, f.conflict]), [['restore', 'a.txt', 'b.txt', false]]);
    assert.equal(one.files[0]?.diff, 'l: the symlink to b.txt is made a symlink to a.txt again\n');
    const r1 = await applyRewind(s.h.store, s.ws, one);
    assert.equal(await kind('l'), 'link to a.txt');

    const zero = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(zero.files.map((f) => [f.action, f.fromLink, f.conflict]), [['delete', 'a.txt', false]]);
    const r0 = await applyRewind(s.h.store, s.ws, zero);
    assert.equal(await kind('l'), 'absent');
    assert.deepEqual([await kind('a.txt'), await kind('b.txt')], ['file a\n', 'file b\n'], 'the targets are never touched');

    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r0.rewindId));
    assert.equal(await kind('l'), 'link to a.txt');
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r1.rewindId));
    assert.equal(await kind('l'), 'link to b.txt');
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r2.rewindId));
    assert.equal(await kind('l'), 'absent');
    assert.deepEqual([await kind('a.txt'), await kind('b.txt')], ['file a\n', 'file b\n']);
  });

  it('each step lists its links with their text: to the model, in the CLI timeline and in the sidebar', async () => {
    const s = await commandSession(['ln -s a.txt l && rm -f b.txt && ln -s a.txt b.txt', 'ln -sfn b.txt l', 'rm l'], { prepare, keep });
    const results = (await readJournal(s.h.store, s.id)).filter((e) => e.type === 'tool_result');
    const content = results.map((e) => (e.data as ToolResultData).content.split('\n').at(-1));
    assert.deepEqual(content, [
      '[files changed by the command: M b.txt (file replaced by a symlink to a.txt), A l (symlink to a.txt)]',
      '[files changed by the command: M l (symlink retargeted: a.txt -> b.txt)]',
      '[files changed by the command: D l (symlink to b.txt, removed)]',
    ]);
    assert.match(timelineLine(results[0] as JournalEvent), /\n\s+M b\.txt \(file replaced by a symlink to a\.txt\)\n\s+A l \(symlink to a\.txt\)$/);
    const state = emptyTimeline();
    applyEvents(state, await readJournal(s.h.store, s.id), { messageText: () => undefined, lineStats: () => ({ added: 9, removed: 9 }) });
    const files = [...state.entries.values()].flatMap((e) => (e.kind === 'tool' ? e.files : []));
    assert.deepEqual(files, [
      { path: 'b.txt', kind: 'modified', added: null, removed: null, links: { afterLink: 'a.txt' } },
      { path: 'l', kind: 'created', added: null, removed: null, links: { afterLink: 'a.txt' } },
      { path: 'l', kind: 'modified', added: null, removed: null, links: { beforeLink: 'a.txt', afterLink: 'b.txt' } },
      { path: 'l', kind: 'deleted', added: null, removed: null, links: { beforeLink: 'b.txt' } },
    ]);
  });

  it('a file replaced by a link, then the link by a file: rewound and undone byte-exact, the link target never written', async () => {
    const prep = async (w: string) => {
      await prepare(w);
      await writeFile(join(w, 'notes.md'), 'mine\n', { mode: 0o600 });
    };
    const s = await commandSession(['rm notes.md && ln -s a.txt notes.md', "rm notes.md && printf 'new\\n' > notes.md"], { prepare: prep, keep });
    const kind = (p: string) => entryKind(s.h.workspace, p);
    assert.deepEqual(await effects(s), [['notes.md modified - a.txt'], ['notes.md modified a.txt -']]);

    const one = await planRewind(s.h.store, s.ws, s.id, 1);
    assert.deepEqual(one.files.map((f) => [f.action, f.toLink, f.fromLink, f.conflict]), [['restore', 'a.txt', undefined, false]]);
    const r1 = await applyRewind(s.h.store, s.ws, one);
    assert.equal(await kind('notes.md'), 'link to a.txt');

    const zero = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(zero.files.map((f) => [f.action, f.toLink, f.fromLink, f.conflict, f.restorable]), [['restore', undefined, 'a.txt', false, true]]);
    const r0 = await applyRewind(s.h.store, s.ws, zero);
    assert.equal(await kind('notes.md'), 'file mine\n');
    assert.equal((await stat(join(s.h.workspace, 'notes.md'))).mode & 0o777, 0o600, 'with the bits it had when the link replaced it');
    assert.equal(await kind('a.txt'), 'file a\n', 'the file replaced the link, never written through it');

    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r0.rewindId));
    assert.equal(await kind('notes.md'), 'link to a.txt');
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r1.rewindId));
    assert.equal(await kind('notes.md'), 'file new\n');
    assert.equal(await kind('a.txt'), 'file a\n');
  });

  it('a link out of the workspace: removed and made again as a link, the file outside never read nor written; a file the user put in its place is kept', async () => {
    outside = await mkdtemp(join(tmpdir(), 'savepoint-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'secret\n');
    const s = await commandSession([`ln -s ${outside}/secret.txt out`], { prepare, keep });
    const kind = (p: string) => entryKind(s.h.workspace, p);
    assert.deepEqual(await effects(s), [[`out created - ${outside}/secret.txt`]]);
    const r = await applyRewind(s.h.store, s.ws, await planRewind(s.h.store, s.ws, s.id, 0));
    assert.deepEqual(r.written, ['out']);
    assert.equal(await kind('out'), 'absent');
    await undoRewind(s.h.store, s.ws, await planUndo(s.h.store, s.ws, s.id, r.rewindId));
    assert.equal(await kind('out'), `link to ${outside}/secret.txt`);
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret\n');

    // The user replaces the link with a file of their own: a conflict, kept unless they say otherwise.
    await rm(join(s.h.workspace, 'out'));
    await writeFile(join(s.h.workspace, 'out'), 'user data\n');
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.action, f.conflict]), [['delete', true]]);
    assert.deepEqual((await applyRewind(s.h.store, s.ws, plan)).skipped, ['out']);
    assert.equal(await kind('out'), 'file user data\n');
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret\n');
  });

  it('a link a directory replaced: the rewind refuses, saying so, and changes nothing', async () => {
    const s = await commandSession(['ln -s sub l', 'rm l && mkdir l && echo x > l/f'], { prepare: (w) => mkdir(join(w, 'sub')).then(() => undefined), keep });
    await assert.rejects(planRewind(s.h.store, s.ws, s.id, 1), /^CheckpointError: l was a symlink \(to sub\) in this session and is a directory now: a rewind does not replace a directory with a symlink\. Move or remove the directory l, then try again\. Nothing was changed\.$/);
    assert.equal(await entryKind(s.h.workspace, 'l/f'), 'file x\n');
  });

  it("a link the user retargeted after the session is someone else's: left alone, never written through", async () => {
    const s = await commandSession(['ln -s a.txt l'], { prepare, keep });
    await rm(join(s.h.workspace, 'l'));
    await symlink('b.txt', join(s.h.workspace, 'l'));
    const plan = await planRewind(s.h.store, s.ws, s.id, 0);
    assert.deepEqual(plan.files.map((f) => [f.action, f.link]), [['delete', { path: 'l', to: 'b.txt' }]]);
    const r = await applyRewind(s.h.store, s.ws, plan, { overwriteConflicts: ['l'] });
    assert.deepEqual([r.written, r.linked], [[], ['l']]);
    assert.equal(await entryKind(s.h.workspace, 'l'), 'link to b.txt');
    assert.equal(await entryKind(s.h.workspace, 'b.txt'), 'file b\n');
  });
});

describe('the drift check and links a command left (real runner session; POSIX)', function () {
  this.timeout(60_000);
  const keep = keptSessions();
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('a link the session left as it was is no drift (inside or out of the workspace); retargeted by someone else, it is', async () => {
    const s = await commandSession(['ln -s a.txt l && ln -s /nonexistent-savepoint/x out'], { prepare, keep });
    const drift = async () => (await detectDrift(s.h.store, s.ws, s.id)).map((d) => [d.path, d.kind]);
    assert.deepEqual(await drift(), [['l', 'unchanged'], ['out', 'unchanged']]);
    await rm(join(s.h.workspace, 'l'));
    await symlink('b.txt', join(s.h.workspace, 'l'));
    assert.deepEqual(await drift(), [['l', 'changed'], ['out', 'unchanged']]);
  });
});
