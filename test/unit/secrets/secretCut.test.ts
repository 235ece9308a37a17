import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';

const TOKEN = 'npm_0123456789abcdefghijKLMNOP';

describe('a secret cut where the kept output ends', function () {
  this.timeout(30_000);
  const runner = new NodeProcessRunner({ ...process.env, NPM_TOKEN: TOKEN });
  const decode = (b?: Uint8Array) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

  it('its start at the end of the head and its end at the start of the tail are masked; the byte counts still add up', async () => {
    // 10 bytes of x, the token (30 bytes), 10 bytes of y: the head keeps 20 bytes, the tail the last 24 (7 of the token's).
    const r = await runner.run('printf "xxxxxxxxxx%sPADDINGyyyyyyyyyy" "$NPM_TOKEN"', { cwd: tmpdir(), timeoutMs: 20_000, maxOutputBytes: 20, keepTailBytes: 24 });
    const head = decode(r.output);
    const tail = decode(r.outputTail);
    assert.equal(head, 'xxxxxxxxxx[secret NPM_TOKEN hidden]');
    assert.equal(tail, '[secret NPM_TOKEN hidden]PADDINGyyyyyyyyyy');
    assert.equal(r.outputBytes - r.output.length - (r.outputTail?.length ?? 0), 57 - 44, 'the bytes not kept');
  });

  it('a whole secret in output that is not cut is masked, and nothing else changes', async () => {
    const r = await runner.run('printf "a %s b\\n" "$NPM_TOKEN"; printf "npm_0123 stays\\n"', { cwd: tmpdir(), timeoutMs: 20_000 });
    assert.equal(decode(r.output), 'a [secret NPM_TOKEN hidden] b\nnpm_0123 stays\n');
    assert.equal(r.outputBytes, r.output.length);
  });
});
