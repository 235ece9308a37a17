import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModelServer } from '../core/scripted/scriptedModelServer';
import type { StepInput } from '../core/scripted/scenario';

/**
 * The offline demo (no API key, nothing leaves 127.0.0.1): the built-in scripted model plays a
 * small refactor in a demo workspace through the real CLI; the CLI process is SIGKILLed in the middle
 * of its first file edit, then `savepoint resume` finishes the job. The timeline and the model
 * server's request count show that nothing was repeated.
 */

const MATH = `export function add(a, b) {\n  return a + b;\n}\n\nexport function divide(a, b) {\n  return a / b;\n}\n`;
const FIXED = `export function add(a, b) {\n  return a + b;\n}\n\nexport function divide(a, b) {\n  if (b === 0) throw new RangeError('divide by zero');\n  return a / b;\n}\n`;
const TEST = `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add, divide } from '../src/math.mjs';\n\ntest('add', () => assert.equal(add(2, 3), 5));\ntest('divide by zero throws', () => assert.throws(() => divide(1, 0), RangeError));\n`;

function scenario(): StepInput[] {
  const use = (id: string, name: string, input: Record<string, unknown>, text: string, after?: string): StepInput => ({
    type: 'message',
    content: [{ type: 'text', text }, { type: 'tool_use', id, name, input }],
    usage: { input_tokens: 1200, output_tokens: 180 },
    chunkDelayMs: 15,
    ...(after ? { expect: { toolResultFor: after } } : {}),
  });
  return [
    use('toolu_demo_1', 'list_files', { dir: '.', recursive: true }, 'Let me look at the project first.'),
    use('toolu_demo_2', 'read_file', { path: 'src/math.mjs' }, 'Reading the math module.', 'toolu_demo_1'),
    use('toolu_demo_3', 'edit_file', { path: 'src/math.mjs', old_text: '  return a / b;', new_text: "  if (b === 0) throw new RangeError('divide by zero');\n  return a / b;" }, 'divide() returns Infinity for 0; I will make it throw.', 'toolu_demo_2'),
    use('toolu_demo_4', 'write_file', { path: 'test/math.test.mjs', content: TEST }, 'Now a test for both functions.', 'toolu_demo_3'),
    use('toolu_demo_5', 'run_command', { command: 'node --test test/' }, 'Running the tests.', 'toolu_demo_4'),
    { type: 'message', content: [{ type: 'text', text: 'Done: divide() now throws RangeError on a zero divisor, and test/math.test.mjs covers add and divide. Tests pass.' }], usage: { input_tokens: 1500, output_tokens: 60 }, expect: { toolResultFor: 'toolu_demo_5' } },
  ];
}

function cli(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(__dirname, 'savepoint.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        process.stdout.write(`    | ${l}\n`);
        onLine?.(l, () => p.kill('SIGKILL'));
      }
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'savepoint-demo-'));
  const ws = join(root, 'workspace');
  await mkdir(join(ws, 'src'), { recursive: true });
  await writeFile(join(ws, 'src', 'math.mjs'), MATH);
  await writeFile(join(ws, 'package.json'), '{ "name": "demo", "type": "module" }\n');
  const server = await ScriptedModelServer.start(scenario());
  const common = ['--workspace', ws, '--store', join(root, 'store'), '--base-url', server.url];
  const say = (s: string) => process.stdout.write(`\n== ${s}\n`);
  try {
    say(`Offline demo: the built-in SCRIPTED model (not Claude) at ${server.url}; workspace ${ws}`);
    say('1. savepoint run "Make divide() safe and add a test"   (killed with SIGKILL in the middle of its first edit)');
    const first = await cli([...common, '--approvals', 'yes', 'run', 'Make divide() safe and add a test'], (line, kill) => {
      if (/start toolu_demo_3/.test(line)) kill();
    });
    if (first.signal !== 'SIGKILL') throw new Error(`the first run was expected to be killed; it ended with ${first.code}`);
    process.stdout.write(`   -> killed (${first.signal}). src/math.mjs on disk is ${(await readFile(join(ws, 'src/math.mjs'), 'utf8')) === FIXED ? 'already edited' : 'NOT edited'}; model requests so far: ${server.requestCount()}\n`);

    say('2. savepoint list');
    process.stdout.write((await cli([...common, 'list'])).out);

    say('3. savepoint resume   (a new process continues from the journal)');
    const second = await cli([...common, '--approvals', 'yes', 'resume']);
    process.stdout.write(`   -> ${second.out.trim()}\n`);

    const id = (JSON.parse(second.out.trim().split('\n').pop() ?? '{}') as { sessionId?: string }).sessionId ?? '';
    say(`4. savepoint show ${id}`);
    process.stdout.write((await cli([...common, 'show', id])).out);

    const fixed = (await readFile(join(ws, 'src/math.mjs'), 'utf8')) === FIXED;
    const dup = server.duplicateTurns().length;
    say('Result');
    process.stdout.write(
      `   edit applied exactly as planned: ${fixed}\n   model requests: ${server.requestCount()} for ${scenario().length} scripted turns; turns requested twice: ${dup}; malformed requests: ${server.violations().length}\n` +
        `   run it against Claude: ANTHROPIC_API_KEY=... node out/src/cli/savepoint.js run --workspace DIR "your task"\n`,
    );
    return second.code === 0 && fixed && dup === 0 && server.violations().length === 0 ? 0 : 1;
  } finally {
    await server.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
