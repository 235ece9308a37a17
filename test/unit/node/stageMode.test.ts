import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';

describe('NodeWorkspace staging: a file written with a known mode is never readable by others on its way', function () {
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  for (const size of [10, 400 * 1024]) {
    it(`the staged copy of a 0600 file (${size} bytes) is created private, not with the default mode`, async () => {
      const root = await mkdtemp(join(tmpdir(), 'savepoint-stage-'));
      const seen: number[] = [];
      const fsAny = fs as unknown as Record<string, unknown>;
      const fspAny = fsp as unknown as Record<string, unknown>;
      const origOpen = fs.open;
      const origOpenSync = fs.openSync;
      const origPOpen = fsp.open;
      fsAny.open = (file: string, ...rest: unknown[]) => {
        const cb = rest.pop() as (e: NodeJS.ErrnoException | null, fd: number) => void;
        return (origOpen as unknown as (...a: unknown[]) => void)(file, ...rest, (e: NodeJS.ErrnoException | null, fd: number) => {
          if (!e && String(file).includes('.savepoint-')) seen.push(fs.fstatSync(fd).mode & 0o777);
          cb(e, fd);
        });
      };
      fsAny.openSync = (file: string, ...rest: unknown[]) => {
        const fd = (origOpenSync as unknown as (...a: unknown[]) => number)(file, ...rest);
        if (String(file).includes('.savepoint-')) seen.push(fs.fstatSync(fd).mode & 0o777);
        return fd;
      };
      fspAny.open = async (file: string, ...rest: unknown[]) => {
        const fh = await (origPOpen as unknown as (...a: unknown[]) => Promise<fsp.FileHandle>)(file, ...rest);
        if (String(file).includes('.savepoint-')) seen.push((await fh.stat()).mode & 0o777);
        return fh;
      };
      try {
        const ws = new NodeWorkspace(root);
        await ws.writeFiles([{ path: 'secret.env', bytes: Buffer.alloc(size, 'S'), mode: 0o600 }]);
      } finally {
        fsAny.open = origOpen;
        fsAny.openSync = origOpenSync;
        fspAny.open = origPOpen;
        await rm(root, { recursive: true, force: true });
      }
      assert.equal(seen.length, 1);
      assert.equal((seen[0] as number) & 0o077, 0, `the temporary file holding the secret was created ${(seen[0] as number).toString(8)}`);
    });
  }
});
