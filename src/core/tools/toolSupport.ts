import path from 'node:path';
import { z, type ZodType } from 'zod';
import { WorkspaceError, type Workspace } from '../ports/workspace';
import { ToolError } from './tool';
import { errCode } from '../util/errCode';

const jsonSchemas = new WeakMap<ZodType, Record<string, unknown>>();

/**
 * The JSON schema the model sees, derived from the zod schema so the two cannot drift apart. Made
 * at its first use and kept (a tool's `inputSchema` is a getter): made for every tool at load, it
 * was a large part of the start-up of the extension and of every CLI command.
 */
export function jsonInputSchema(schema: ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    json = rest;
    jsonSchemas.set(schema, json);
  }
  return json;
}

/** A workspace failure as the ToolError the model reads; anything else is returned unchanged. */
export function toToolError(e: unknown): unknown {
  if (WorkspaceError.is(e)) {
    switch (e.code) {
      case 'OUTSIDE_WORKSPACE':
        return new ToolError('OUTSIDE_WORKSPACE', `${e.message} Only paths inside the workspace can be used.`);
      case 'NOT_FOUND':
        return new ToolError('NOT_FOUND', e.message);
      case 'IS_DIRECTORY':
        return new ToolError('IS_DIRECTORY', e.message);
      case 'NOT_DIRECTORY':
      case 'INVALID_PATH':
      case 'NOT_A_FILE':
        return new ToolError('INVALID_INPUT', e.message);
    }
  }
  const code = errCode(e);
  if (code === 'EACCES' || code === 'EPERM') return new ToolError('FAILED', `Permission denied: ${(e as Error).message}`);
  // A name the model made up can be longer than the file system takes (255 bytes a name on most).
  if (code === 'ENAMETOOLONG') return new ToolError('INVALID_INPUT', `The path is too long for the file system: ${(e as Error).message}`);
  if (code === 'ELOOP') return new ToolError('INVALID_INPUT', `The path goes round a loop of symlinks: ${(e as Error).message}`);
  return e;
}

/** Runs `fn`, turning workspace failures into ToolErrors. */
export async function workspaceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toToolError(e);
  }
}

/**
 * The canonical workspace-relative, `/`-separated form of a path the model gave, after checking
 * it is confined (throws ToolError OUTSIDE_WORKSPACE otherwise).
 */
export async function workspacePath(ws: Workspace, given: string): Promise<string> {
  const real = await workspaceCall(() => ws.resolve(given));
  // On POSIX a backslash is an ordinary file-name character; only Windows separates with it.
  const slashed = path.sep === '\\' ? given.replace(/\\/g, '/') : given;
  if (!path.isAbsolute(given)) {
    const norm = path.posix.normalize(slashed).replace(/\/+$/, '');
    return norm === '' ? '.' : norm;
  }
  const inRoot = path.relative(ws.root, given);
  const outside = inRoot === '..' || inRoot.startsWith(`..${path.sep}`) || path.isAbsolute(inRoot);
  const rel = outside ? path.relative(await ws.resolve('.'), real) : inRoot;
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/**
 * A path a file tool may write or delete: `workspacePath`, refusing a path that ends with a slash
 * (a folder's), and one in a `.git` folder (or that `.git` itself), as given or as it resolves
 * through symlinks, whatever its letter case (the same folder on a case-insensitive disk). Writing
 * there can corrupt the repository, and git's own commands through run_command are the way to change it.
 */
export async function writablePath(ws: Workspace, given: string): Promise<string> {
  const file = await workspacePath(ws, given);
  // `dir/` would otherwise write, change or delete a file named dir.
  if (given.endsWith('/') || (path.sep === '\\' && given.endsWith('\\'))) {
    throw new ToolError('INVALID_INPUT', `${given} ends with a slash, so it names a folder, not a file. Give the file's path, such as ${file === '.' ? '' : `${file}/`}name.ext.`);
  }
  const [real, root] = await Promise.all([workspaceCall(() => ws.resolve(file)), workspaceCall(() => ws.resolve('.'))]);
  if (inGitDir(file) || inGitDir(path.relative(root, real))) {
    throw new ToolError('INVALID_INPUT', `${file} is in the repository's .git folder, which file tools do not change; use git commands through run_command.`);
  }
  // Checked here, not when the write is applied: a write that fails there fails the step, and again at every resume.
  const long = file.split('/').find((part) => Buffer.byteLength(part) > NAME_MAX_BYTES);
  if (long !== undefined) throw new ToolError('INVALID_INPUT', `The name ${long.slice(0, 40)}... is longer than the ${NAME_MAX_BYTES} bytes a file or folder name can have.`);
  return file;
}

/**
 * Refuses a change the file system would refuse for lack of write permission, when it is planned:
 * otherwise it is approved and only fails when applied. `deletion`: the file itself goes (a read-only
 * file can still be deleted from a writable folder); otherwise an existing read-only file is refused.
 */
export async function checkWritable(ws: Workspace, file: string, action: 'write' | 'change' | 'delete'): Promise<void> {
  const deletion = action === 'delete';
  const blocked = await workspaceCall(async () => ws.notWritable?.(file, deletion ? { entry: true } : { file: true }));
  if (blocked === undefined) return;
  if (blocked.kind === 'file') {
    throw new ToolError('FAILED', `${blocked.path} is read-only (no write permission), so it cannot be changed. Ask the user to make it writable if it should change.`);
  }
  throw new ToolError('FAILED', `Cannot ${action} ${file}: the folder ${blocked.path} is not writable (no write permission). Ask the user to give write permission, or work elsewhere.`);
}

/** The longest name of a file or folder on the usual file systems (ext4, APFS, NTFS: 255). */
const NAME_MAX_BYTES = 255;

const inGitDir = (rel: string): boolean => rel.split(/[\\/]/).some((part) => part.toLowerCase() === '.git');

/**
 * The largest file a tool reads whole (its bytes, the decoded text and the edited copy are all in
 * memory at once). Past it, a read would fail in Node itself (2 GiB) or hold the extension host.
 */
export const TOOL_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Refuses a file too large to read whole, naming what the model can do instead. */
export function checkSize(file: string, size: number, instead: string): void {
  if (size <= TOOL_FILE_MAX_BYTES) return;
  throw new ToolError('INVALID_INPUT', `${file} is ${formatBytes(size)}, more than the ${formatBytes(TOOL_FILE_MAX_BYTES)} file tools handle; ${instead}`);
}

const BINARY_SNIFF_BYTES = 8000;

/** Git's heuristic: a NUL byte near the start means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Text for display: invalid sequences become U+FFFD, a BOM is kept. */
export function decodeText(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

/** Text that will be written back: undefined when the bytes are not valid UTF-8 (rewriting them would corrupt them). */
export function decodeExact(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Offsets where each line starts; a trailing newline does not start a new line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line number of `offset`, given `lineStarts(text)`. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The first `head` and last `tail` bytes, with a marker in between saying how many were cut. */
export function headTail(bytes: Uint8Array, head: number, tail: number): { text: string; cut: number } {
  if (bytes.length <= head + tail) return { text: decodeText(bytes), cut: 0 };
  const cut = bytes.length - head - tail;
  const text = `${decodeText(bytes.subarray(0, head))}\n[... ${cut} bytes cut ...]\n${decodeText(bytes.subarray(bytes.length - tail))}`;
  return { text, cut };
}
