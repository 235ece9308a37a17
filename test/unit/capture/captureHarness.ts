import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIRTH_SLACK_MS } from '../../../src/core/node/captureRescope';
import { NodeChangeCapture, type NodeChangeCaptureOptions } from '../../../src/core/node/nodeChangeCapture';
import type { FileChange, FileChangeSet } from '../../../src/core/ports/changeCapture';

const exec = promisify(execFile);

/** The two ways the capture finds a command's changes, for a test to run in each: the watcher's dirty paths, and the stat-only sweep. */
export const CAPTURE_MODES: [string, NodeChangeCaptureOptions][] = [
  ['with the watcher', {}],
  ['without it', { watch: false }],
];

/** Temporary workspaces and the captures on them, removed by `cleanup`. */
export function captureScratch() {
  const dirs: string[] = [];
  const captures: NodeChangeCapture[] = [];
  return {
    async workspace(files: Record<string, string | Uint8Array> = {}): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), 'savepoint-capture-'));
      dirs.push(dir);
      for (const [rel, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
        await writeFile(path.join(dir, rel), content);
      }
      // Files born within the birth slack before a command starts count as its creations (the file clock is
      // coarse): on a fast machine the first command can start that soon. The workspace's files are older.
      if (Object.keys(files).length > 0) await new Promise((r) => setTimeout(r, BIRTH_SLACK_MS * 3));
      return dir;
    },
    capture(root: string, options: NodeChangeCaptureOptions = {}): NodeChangeCapture {
      const c = new NodeChangeCapture(root, options);
      captures.push(c);
      return c;
    },
    async cleanup(): Promise<void> {
      await Promise.all(captures.splice(0).map((c) => c.dispose()));
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Runs `script` with `sh -c` in `cwd`, as `run_command` would. */
export async function sh(cwd: string, script: string): Promise<void> {
  await exec('sh', ['-c', script], { cwd });
}

/** One capture around a shell command. */
export async function captureCommand(capture: NodeChangeCapture, cwd: string, script: string): Promise<FileChangeSet> {
  const mark = await capture.begin();
  await sh(cwd, script);
  return capture.end(mark);
}

/** `path kind [from]` per change, in order: what the assertions compare. */
export const summary = (set: FileChangeSet): string[] =>
  set.changes.map((c) => (c.from !== undefined ? `${c.path} ${c.kind} ${c.from}` : `${c.path} ${c.kind}`));

export const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

export const sha = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

export function only(set: FileChangeSet, p: string): FileChange {
  const c = set.changes.find((x) => x.path === p);
  if (!c) throw new Error(`no change at ${p}: ${summary(set).join(', ')}`);
  return c;
}

/** Every file under `dir` with its bytes' hash, size and mtime: equal snapshots mean nothing was touched. */
export async function snapshotTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    for (const d of await readdir(abs, { withFileTypes: true })) {
      const a = path.join(abs, d.name);
      const r = `${rel}/${d.name}`;
      const st = await stat(a);
      if (d.isDirectory()) {
        out.push(`${r}/ ${st.mtimeMs}`);
        await visit(a, r);
      } else out.push(`${r} ${sha(await readFile(a))} ${st.size} ${st.mtimeMs}`);
    }
  };
  await visit(dir, '');
  return out.sort();
}
