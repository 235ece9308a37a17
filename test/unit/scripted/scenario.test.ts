import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ScenarioError, loadScenarioFile, textStep } from '../../../src/core/scripted/scenario';
import { ScriptedModelServer } from '../../../src/core/scripted/scriptedModelServer';

// __dirname is out/test/unit/scripted; fixtures are read from the sources.
const ROOT = join(__dirname, '..', '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'scenarios', 'readThenAnswer.json');
const CLI = join(ROOT, 'out', 'src', 'cli', 'scriptedServer.js');

describe('scenario files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'savepoint-scenario-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads a scenario file and applies the defaults', async () => {
    const s = await loadScenarioFile(FIXTURE);
    assert.equal(s.steps.length, 3);
    const first = s.steps[0];
    assert.ok(first?.type === 'message');
    assert.equal(first.times, 1);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(s.steps[1]?.type, 'error');
  });

  it('names the bad field of an invalid scenario', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ steps: [textStep('ok'), { type: 'message', content: [{ type: 'tool_use', id: 'x', name: 'y', input: 3 }] }] }));
    const e = await loadScenarioFile(file).catch((x: unknown) => x);
    assert.ok(ScenarioError.is(e, 'INVALID_SCENARIO'));
    assert.match(e.message, /bad\.json: steps\[1\]\.content\[0\]\.input: /);
  });

  it('tells a missing file from one that is not JSON', async () => {
    const file = join(dir, 'x.json');
    await writeFile(file, '{ nope');
    assert.ok(ScenarioError.is(await loadScenarioFile(file).catch((x: unknown) => x), 'INVALID_JSON'));
    assert.ok(ScenarioError.is(await loadScenarioFile(join(dir, 'missing.json')).catch((x: unknown) => x), 'UNREADABLE'));
    await assert.rejects(ScriptedModelServer.start([{ type: 'error', status: 200 }] as never), (e: unknown) => ScenarioError.is(e, 'INVALID_SCENARIO'));
  });

  it('keeps the step cursor in a state file across a server restart', async () => {
    const stateFile = join(dir, 'state.json');
    const steps = [textStep('one'), textStep('two')];
    const ask = async (s: ScriptedModelServer) => {
      const sdk = new Anthropic({ baseURL: s.url, apiKey: 'test', maxRetries: 0 });
      const m = await sdk.messages.create({ model: 'scripted-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      return (m.content[0] as Anthropic.TextBlock).text;
    };
    const a = await ScriptedModelServer.start(steps, { stateFile });
    assert.equal(await ask(a), 'one');
    await a.close();
    const b = await ScriptedModelServer.start(steps, { stateFile });
    assert.equal(await ask(b), 'two');
    assert.equal(b.remainingSteps(), 0);
    await b.close();
  });
});

describe('scriptedServer CLI', () => {
  it('prints the URL it listens on, serves the scenario file, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, FIXTURE, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^listening (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited before listening: ${out}`)));
      });
      const sdk = new Anthropic({ baseURL: url, apiKey: 'test', maxRetries: 0 });
      const m = await sdk.messages.create({ model: 'scripted-model', max_tokens: 10, messages: [{ role: 'user', content: 'what is in the README?' }] });
      assert.equal(m.stop_reason, 'tool_use');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
