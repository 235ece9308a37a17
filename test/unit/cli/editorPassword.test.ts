import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorAccess } from '../../../src/cli/editorPassword';

const CODE_SERVER = join(__dirname, '..', '..', '..', '..', '.e2e-tools', 'node_modules', '.bin', 'code-server');

const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });

/**
 * `npm start` served the editor on 127.0.0.1 with no password: any account of the machine could
 * open it, get a shell as the user from its terminal and read ANTHROPIC_API_KEY from the
 * environment. It now asks for a password made anew at every start and printed for the user.
 */
describe('npm start: the editor it serves asks for a password, new at every start', function () {
  this.timeout(90_000);

  it('makes a long random password per start (or takes a chosen one of 12 characters or more), given through the environment', () => {
    const a = editorAccess(undefined);
    const b = editorAccess(undefined);
    assert.deepEqual(a.args, ['--auth', 'password']);
    assert.ok((a.env.PASSWORD ?? '').length >= 16, a.env.PASSWORD);
    assert.notEqual(a.env.PASSWORD, b.env.PASSWORD);
    assert.ok(a.line.includes(a.env.PASSWORD as string), a.line);
    assert.equal(editorAccess('  a chosen passphrase ').env.PASSWORD, 'a chosen passphrase');
    assert.throws(() => editorAccess('short'), /at least 12 characters/);
  });

  it('the real code-server started so sends a visitor to its login page, refuses a wrong password and lets the right one in', async function () {
    if (!existsSync(CODE_SERVER)) {
      if (process.env.SAVEPOINT_REQUIRE_E2E === '1') assert.fail('code-server is not installed (test/e2e/tools/install-code-server.sh)');
      this.skip();
    }
    const dir = await mkdtemp(join(tmpdir(), 'savepoint-editor-auth-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const access = editorAccess(undefined);
    let server: ChildProcess | undefined;
    try {
      server = spawn(CODE_SERVER, ['--config', join(dir, 'config.yaml'), '--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'ext'), '--bind-addr', `127.0.0.1:${port}`, ...access.args, '--disable-telemetry', '--disable-update-check', dir], { env: { ...process.env, ...access.env }, stdio: 'ignore', detached: true });
      for (let i = 0; ; i++) {
        const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
        if (up) break;
        assert.ok(i < 300 && server.exitCode === null, 'code-server did not start');
        await new Promise((r) => setTimeout(r, 200));
      }
      const visit = await fetch(`${url}/?folder=${encodeURIComponent(dir)}`, { redirect: 'manual' });
      assert.equal(visit.status, 302);
      assert.match(visit.headers.get('location') ?? '', /\/login/);
      const login = (password: string) => fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ password }), redirect: 'manual' });
      const wrong = await login('not-the-password');
      assert.equal(wrong.headers.get('set-cookie'), null, 'no session for a wrong password');
      const right = await login(access.env.PASSWORD as string);
      assert.equal(right.status, 302);
      const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.ok(cookie.includes('='), 'a session cookie for the right password');
      const inside = await fetch(`${url}/?folder=${encodeURIComponent(dir)}`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(inside.status, 200);
    } finally {
      // Its group: code-server and the processes it started.
      try {
        if (server?.pid !== undefined) process.kill(-server.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
