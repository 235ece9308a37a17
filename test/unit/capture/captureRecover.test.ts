import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryContentStore } from '../../../src/core/capture/memoryContentStore';
import { SerialCapture } from '../../../src/core/capture/serialCapture';
import type { ContentEntry } from '../../../src/core/ports/changeCapture';
import { captureScratch, only, sh, sha, summary, text } from './captureHarness';

/**
 * A command cut off by a crash: the capture's index as it began is on disk (its log), so the next
 * process can say what the command changed, from the index then against the disk now.
 */
describe('capture: what a command cut off by a crash changed is recovered from the log', function () {
  this.timeout(60_000);
  const tmp = captureScratch();
  afterEach(() => tmp.cleanup());

  const logFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.capture.log'));

  it('a real SIGKILL while a command runs: the next process finds its creations, edits, deletions and moves, and not the edits made before it began', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n', 'b.txt': 'b1\n', 'keep.txt': 'k\n', 'move/me.txt': 'moving file\n', 'user.txt': 'u1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    // The child begins a capture labelled s1/c1 after the baseline; the user's edit before that is not the command's.
    await writeFile(path.join(root, 'user.txt'), 'u2 before the command\n');
    const child = spawn(process.execPath, [path.join(__dirname, '../../fixtures/captureChild.js'), root, logDir, 's1/c1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (d.toString().includes('open') ? resolve() : undefined));
      child.on('exit', () => reject(new Error('the child ended before its capture was open')));
    });
    // The command: an edit, a deletion, a creation in a new folder, a move.
    await sh(root, 'printf "a2\\n" > a.txt && rm b.txt && mkdir -p gen && printf "g\\n" > gen/x.ts && mv move/me.txt moved.txt');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal((await logFiles(logDir)).length, 1, 'the dead process left its log');

    const next = tmp.capture(root, { logDir, gitContents: false });
    await next.start();
    const set = await next.recover('s1/c1');
    assert.ok(set, 'the log holds the command');
    assert.deepEqual(summary(set), ['a.txt modified', 'b.txt deleted', 'gen/x.ts created', 'moved.txt renamed move/me.txt']);
    assert.equal(text(only(set, 'a.txt').afterBytes), 'a2\n');
    assert.equal(only(set, 'a.txt').before?.hash, only(set, 'a.txt').before?.hash);
    assert.equal(only(set, 'b.txt').beforeBytes, undefined, "the old bytes died with the process (no git here): known by hash only");
    assert.equal(await next.recover('s1/other'), undefined, 'a label no log holds');

    await next.forget('s1/c1');
    assert.deepEqual((await logFiles(logDir)).length, 1, "the dead process's log is gone; this process's own stays while it runs");
    await next.dispose();
    assert.deepEqual(await logFiles(logDir), [], 'a clean stop with nothing open leaves no log');
  });

  it('the index is logged as each command begins: changes between commands, and ones found in a later capture, are in the index the next command starts from', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n', 'b.txt': 'b1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    const first = tmp.capture(root, { logDir, gitContents: false, watch: false });
    await first.start();
    const m1 = await first.begin('s/c1');
    await sh(root, 'printf "a2\\n" > a.txt && printf "n\\n" > new.txt');
    await first.end(m1);
    await sh(root, 'rm b.txt'); // by the user, between commands
    await first.begin('s/c2');
    await sh(root, 'printf "a3\\n" > a.txt');
    await first.dispose(); // the process stops with the command open (as a crash would leave the log)

    const next = tmp.capture(root, { logDir, gitContents: false, watch: false });
    const set = await next.recover('s/c2');
    assert.ok(set);
    assert.deepEqual(summary(set), ['a.txt modified'], 'only what changed after c2 began');
    assert.equal(text(only(set, 'a.txt').afterBytes), 'a3\n');
    const c1 = await next.recover('s/c1');
    assert.deepEqual(c1 && summary(c1), ['a.txt modified', 'b.txt deleted', 'new.txt created'], "c1's index is the one before it (so c1 and everything after)");
  });

  it('a torn last line (a crash inside a write) is ignored; a log that cannot be written leaves the capture working', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    const first = tmp.capture(root, { logDir, gitContents: false, watch: false });
    await first.start();
    await first.begin('s/c1');
    await sh(root, 'printf "a2\\n" > a.txt');
    await first.dispose();
    const [name] = await logFiles(logDir);
    assert.ok(name);
    await appendFile(path.join(logDir, name), '{"t":"set","e":[["a.txt",{"hash":"00');
    const next = tmp.capture(root, { logDir, gitContents: false, watch: false });
    assert.deepEqual(summary((await next.recover('s/c1')) ?? { changes: [], method: 'sweep', examined: 0, hashed: 0 }), ['a.txt modified']);

    // The log's folder is a file: no log, but commands are still captured.
    const blocked = path.join(await tmp.workspace(), 'not-a-dir');
    await writeFile(blocked, 'x');
    const noLog = tmp.capture(root, { logDir: blocked, gitContents: false, watch: false });
    const m = await noLog.begin('s/c9');
    await sh(root, 'printf "a3\\n" > a.txt');
    assert.deepEqual(summary(await noLog.end(m)), ['a.txt modified']);
    assert.equal(await noLog.recover('s/c9'), undefined);
  });

  it('a later start removes the logs of dead processes with nothing left open, and keeps one whose command waits to be recovered', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    await mkdir(logDir, { recursive: true });
    // Logs of dead processes (pids far past any running one): one closed, one with a command open.
    await writeFile(path.join(logDir, '999999001-x-1.capture.log'), '{"t":"reset"}\n{"t":"open","label":"s/c1","at":1}\n{"t":"close","label":"s/c1"}\n');
    await writeFile(path.join(logDir, '999999002-x-2.capture.log'), '{"t":"reset"}\n{"t":"set","e":[["a.txt",{"hash":"h","size":3,"binary":false}]]}\n{"t":"open","label":"s/c2","at":2}\n');
    const c = tmp.capture(root, { logDir, gitContents: false, watch: false });
    await c.start();
    for (let i = 0; i < 50 && (await logFiles(logDir)).includes('999999001-x-1.capture.log'); i++) await new Promise((r) => setTimeout(r, 20));
    const names = await logFiles(logDir);
    assert.ok(!names.includes('999999001-x-1.capture.log'), 'nothing to recover: removed');
    assert.ok(names.includes('999999002-x-2.capture.log'), 'a command to recover: kept');
    const set = await c.recover('s/c2');
    assert.deepEqual(set && summary(set), ['a.txt modified']);
    await c.forget('s/c2');
    assert.ok(!(await logFiles(logDir)).includes('999999002-x-2.capture.log'));
    await unlink(path.join(logDir, 'unrelated.txt')).catch(() => undefined);
    await rm(logDir, { recursive: true, force: true });
    void readFile;
  });

  it("another session's held write while the command ran is not the command's after a crash either (as end() leaves it out)", async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n', 'other.txt': 'o1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    const shared = new SerialCapture(tmp.capture(root, { logDir, gitContents: false, watch: false }));
    await shared.begin('s1/c1');
    // Session s2's edit_file while s1's command runs: held, written, released; journaled by s2.
    const release = shared.holdWrites([{ path: 'other.txt', hash: sha('o2 by s2\n') }]);
    await writeFile(path.join(root, 'other.txt'), 'o2 by s2\n');
    release();
    await sh(root, 'printf "a2\\n" > a.txt'); // s1's command
    await shared.dispose(); // the process dies with s1's command open

    const next = tmp.capture(root, { logDir, gitContents: false, watch: false });
    const set = await next.recover('s1/c1');
    assert.deepEqual(set && summary(set), ['a.txt modified'], "other.txt is s2's: a rewind of s1's step must not take it back");
  });

  it('a settle that throws after updating part of the index: what it had found before the next command is still in the logged index (not taken for that command\'s changes)', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n', 'x.log': 'x\n', '.gitignore': '*.log\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    let failing = false;
    const store = new (class extends MemoryContentStore {
      override async put(entries: readonly ContentEntry[]): Promise<void> {
        if (failing) throw new Error('the content store is unavailable');
        return super.put(entries);
      }
    })();
    const first = tmp.capture(root, { logDir, gitContents: false, watch: false, contentStore: store });
    await first.start();
    // Between commands: the user edits a.txt and un-ignores x.log; the next begin() fails in its settle (the store).
    await sh(root, 'printf "a2\\n" > a.txt && printf "" > .gitignore');
    failing = true;
    await assert.rejects(first.begin('s/c1'));
    failing = false;
    await first.begin('s/c2');
    await sh(root, 'printf "c\\n" > c.txt'); // the command
    await first.dispose(); // the process dies with c2 open

    const next = tmp.capture(root, { logDir, gitContents: false, watch: false });
    const set = await next.recover('s/c2');
    assert.deepEqual(set && summary(set), ['c.txt created'], 'the edits before c2 began are not its own');
  });

  it('files a .gitignore change excluded before the command began leave the logged index too: their deletion by the command is not recovered as its change (end() does not report it)', async () => {
    const root = await tmp.workspace({ 'a.txt': 'a1\n', 'build/out.js': 'built\n', '.gitignore': '' });
    const logDir = path.join(await tmp.workspace(), 'log');
    const first = tmp.capture(root, { logDir, gitContents: false, watch: false });
    await first.start();
    await writeFile(path.join(root, '.gitignore'), 'build/\n'); // by the user, between commands
    await first.begin('s/c1');
    await sh(root, 'rm -rf build && printf "c\\n" > c.txt'); // the command: a clean, and a file
    await first.dispose(); // the process dies with c1 open

    const next = tmp.capture(root, { logDir, gitContents: false, watch: false });
    const set = await next.recover('s/c1');
    assert.deepEqual(set && summary(set), ['c.txt created'], 'build/ is ignored: not tracked, so not the step\'s to restore');
  });

  it('with a key (encryption at rest), no line of the log shows a path or a hash, and the next process with the key recovers the command; without it, nothing', async () => {
    const root = await tmp.workspace({ 'secret-plan.txt': 'p1\n', 'b.txt': 'b1\n' });
    const logDir = path.join(await tmp.workspace(), 'log');
    const key = Uint8Array.from(Array.from({ length: 32 }, (_, i) => i * 7));
    const logKey = () => Promise.resolve(key);
    const first = tmp.capture(root, { logDir, logKey, gitContents: false, watch: false });
    await first.start();
    await first.begin('s/c1');
    await sh(root, 'printf "p2\\n" > secret-plan.txt && rm b.txt');
    await first.dispose(); // the command left open, as a crash leaves it
    const [name] = await logFiles(logDir);
    const raw = await readFile(path.join(logDir, name as string), 'utf8');
    assert.ok(raw.length > 0);
    for (const line of raw.trim().split('\n')) assert.match(line, /^~[A-Za-z0-9+/=]+$/, 'every line sealed');
    assert.ok(!raw.includes('secret-plan') && !raw.includes(sha('p1\n')) && !raw.includes('s/c1'), 'no path, hash or label in the clear');

    const withKey = tmp.capture(root, { logDir, logKey, gitContents: false, watch: false });
    const set = await withKey.recover('s/c1');
    assert.deepEqual(set && summary(set), ['b.txt deleted', 'secret-plan.txt modified']);
    await withKey.dispose();
    const withoutKey = tmp.capture(root, { logDir, gitContents: false, watch: false });
    await withoutKey.start();
    assert.equal(await withoutKey.recover('s/c1'), undefined, 'a sealed log read without its key is no index (never a wrong one)');
    await withoutKey.dispose();
    assert.deepEqual(await logFiles(logDir), [name], 'a process without the key (encryption turned off) does not take the sealed log for one with nothing open: it stays');
    const again = tmp.capture(root, { logDir, logKey, gitContents: false, watch: false });
    const recovered = await again.recover('s/c1');
    assert.deepEqual(recovered && summary(recovered), ['b.txt deleted', 'secret-plan.txt modified'], 'turned on again, the command is recovered');
    await again.dispose();
    const otherKey = tmp.capture(root, { logDir, logKey: () => Promise.resolve(new Uint8Array(32)), gitContents: false, watch: false });
    assert.equal(await otherKey.recover('s/c1'), undefined);
    await otherKey.dispose();
  });
});
