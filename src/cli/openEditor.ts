import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { StepInput } from '../core/scripted/scenario';
import { ScriptedModelServer } from '../core/scripted/scriptedModelServer';
import { type EditorAccess, editorAccess } from './editorPassword';

/**
 * Opens Savepoint in a real VS Code on this machine: builds the VSIX, installs code-server
 * (VS Code 1.100's server build) into .e2e-tools if missing, creates a demo project, installs the
 * VSIX into a fresh extensions folder and serves the editor on 127.0.0.1 until Ctrl+C.
 * Without ANTHROPIC_API_KEY the agent talks to the built-in scripted demo model (not Claude);
 * with it, to Claude (the key goes to the editor through the environment, never into a file).
 * The demo project and the editor's state live in .tmp/open-editor and survive a restart.
 *   node out/src/cli/openEditor.js [--port N] [--no-build] [--reset]
 */
const DEMO_LABEL = 'scripted demo model — not Claude';
const DEMO_MODEL = 'scripted-demo-not-claude';
const MANAGED_SETTINGS = ['savepoint.baseUrl', 'savepoint.model'];

/** The repository: the first folder above this file with Savepoint's package.json (out/src/cli, or a private build dir). */
function findRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'savepoint') return dir;
    } catch {
      // no package.json here
    }
  }
  return resolve(__dirname, '..', '..', '..');
}

const root = findRoot();
const state = join(root, '.tmp', 'open-editor');
const codeServer = join(root, '.e2e-tools', 'node_modules', '.bin', 'code-server');
const vsix = join(root, 'savepoint.vsix');

const say = (m: string) => process.stdout.write(`[open-editor] ${m}\n`);
const flag = (name: string) => process.argv.includes(`--${name}`);
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function run(cmd: string, args: string[], what: string): void {
  say(`${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal})`);
}

const DEMO_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'savepoint-demo', version: '1.0.0', private: true, scripts: { start: 'node src/main.js' } }, null, 2)}\n`,
  'src/greet.js': "function greet(name) {\n  return 'Hello ' + name;\n}\n\nmodule.exports = { greet };\n",
  'src/main.js': "const { greet } = require('./greet');\n\nconsole.log(greet(process.argv[2] || 'world'));\n",
};

function readme(withClaude: boolean): string {
  const model = withClaude
    ? 'This editor was started with `ANTHROPIC_API_KEY`: Savepoint\'s agent talks to **Claude**.'
    : `This editor was started without \`ANTHROPIC_API_KEY\`: Savepoint's agent talks to the **${DEMO_LABEL}**, a local server that plays a fixed script (it looks at the project, asks to rewrite \`src/greet.js\`, and finishes), whatever the task says. Set the key and start again to use Claude.`;
  return `# Savepoint demo project\n\n<!-- savepoint-demo-readme -->\n${model}\n\nTry it: open the command palette (Ctrl+Shift+P / F1), run **Savepoint: New Session** and give a task, e.g. *Make greet() friendlier*. Approve the edit in the notification, then open the Savepoint sidebar (activity bar) to see the session, its steps, and rewind them.\n`;
}

/** The demo model's script: it answers any task the same way, then says it has nothing more to do (until the next start). */
function demoSteps(): StepInput[] {
  const label = `[${DEMO_LABEL}]`;
  return [
    { type: 'message', responseModel: DEMO_MODEL, content: [{ type: 'text', text: `${label} I will look at the project first.` }, { type: 'tool_use', id: 'toolu_demo_list', name: 'list_files', input: { dir: '.', recursive: true } }] },
    { type: 'message', responseModel: DEMO_MODEL, content: [{ type: 'text', text: `${label} greet() looks like the place to change.` }, { type: 'tool_use', id: 'toolu_demo_read', name: 'read_file', input: { path: 'src/greet.js' } }] },
    {
      type: 'message',
      responseModel: DEMO_MODEL,
      content: [
        { type: 'text', text: `${label} I will make the greeting friendlier.` },
        { type: 'tool_use', id: 'toolu_demo_write', name: 'write_file', input: { path: 'src/greet.js', content: "function greet(name) {\n  return `Hello, ${name}! Nice to see you.`;\n}\n\nmodule.exports = { greet };\n" } },
      ],
    },
    { type: 'message', responseModel: DEMO_MODEL, content: [{ type: 'text', text: `${label} Done: greet() now says "Hello, <name>! Nice to see you." This answer was scripted; start the editor with ANTHROPIC_API_KEY set to work with Claude.` }] },
    { type: 'message', responseModel: DEMO_MODEL, times: 'always', content: [{ type: 'text', text: `${label} The scripted demo has played its script. Start the editor with ANTHROPIC_API_KEY set to work with Claude.` }] },
  ];
}

function writeDemoProject(ws: string, withClaude: boolean): void {
  for (const [p, text] of Object.entries(DEMO_FILES)) {
    if (existsSync(join(ws, p))) continue;
    mkdirSync(dirname(join(ws, p)), { recursive: true });
    writeFileSync(join(ws, p), text);
  }
  const file = join(ws, 'README.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  // Rewritten only while it is still the generated one: the mode line follows the key.
  if (old === undefined || (old.includes('savepoint-demo-readme') && old !== readme(withClaude))) writeFileSync(file, readme(withClaude));
}

function writeSettings(ud: string, managed: Record<string, unknown>): void {
  const file = join(ud, 'User', 'settings.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // Missing or hand-edited into something that is not plain JSON: start from the defaults below.
  }
  for (const k of MANAGED_SETTINGS) delete current[k];
  const settings = { 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'readme', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none', ...current, ...managed };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** Every live process below `pid` (code-server's extension host, file watcher, terminals). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent !== p || child === undefined || out.includes(child)) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

async function waitHealthy(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`code-server exited (${server.exitCode})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('code-server did not answer on /healthz within 60 s');
}

/** The VSIX (built unless --no-build and one exists) and code-server (installed once). */
function prepareTools(): void {
  if (!flag('no-build') || !existsSync(vsix)) {
    run('npm', ['run', 'build'], 'building the extension');
    run('npm', ['run', 'package'], 'packaging the VSIX');
  }
  if (existsSync(codeServer)) return;
  ensureBuildPackages();
  run(join(root, 'test', 'e2e', 'tools', 'install-code-server.sh'), [], 'installing code-server into .e2e-tools (a few minutes, once)');
}

/** code-server's install compiles native modules and needs Debian's ripgrep, pkg-config and krb5 headers. */
function ensureBuildPackages(): void {
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (has('rg') && has('pkg-config') && existsSync('/usr/include/gssapi/gssapi.h')) return;
  const packages = ['libkrb5-dev', 'pkg-config', 'ripgrep'];
  if (!has('apt-get') || process.getuid?.() !== 0) throw new Error(`code-server's install needs ${packages.join(', ')}: sudo apt-get install -y ${packages.join(' ')}`);
  run('apt-get', ['update', '-q'], 'updating the package lists');
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], 'installing what code-server\'s install compiles with');
}

interface Editor {
  ws: string;
  ud: string;
  env: NodeJS.ProcessEnv;
  /** code-server's state flags, shared by the install and the server. */
  base: string[];
}

function editorIn(dir: string): Editor {
  const ud = join(dir, 'user-data');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(dir, 'xdg', 'config'), XDG_DATA_HOME: join(dir, 'xdg', 'data'), XDG_CACHE_HOME: join(dir, 'xdg', 'cache') };
  return { ws: join(dir, 'demo-project'), ud, env, base: ['--config', join(dir, 'config.yaml'), '--user-data-dir', ud, '--extensions-dir', join(dir, 'extensions')] };
}

function installVsix(e: Editor): void {
  rmSync(join(state, 'extensions'), { recursive: true, force: true });
  execFileSync(codeServer, [...e.base, '--install-extension', vsix], { env: e.env, stdio: 'pipe' });
  say(`installed ${vsix} into a fresh extensions folder`);
}

/** Claude with the key (from the environment only), else the scripted demo model on 127.0.0.1. */
async function chooseModel(e: Editor, apiKey: string | undefined): Promise<ScriptedModelServer | undefined> {
  if (apiKey) {
    writeSettings(e.ud, {});
    return undefined;
  }
  delete e.env.ANTHROPIC_API_KEY;
  // A fresh script on every start: each start can show one whole scripted session.
  const model = await ScriptedModelServer.start({ name: DEMO_LABEL, steps: demoSteps() });
  writeSettings(e.ud, { 'savepoint.baseUrl': model.url, 'savepoint.model': DEMO_MODEL });
  return model;
}

/** Starts code-server; `stop` ends it and its children by PID, then the model server, then this process. */
function serve(e: Editor, port: number, model: ScriptedModelServer | undefined, access: EditorAccess): { server: ChildProcess; log: () => string; stop: (code: number) => Promise<void> } {
  const args = [...e.base, '--bind-addr', `127.0.0.1:${port}`, ...access.args, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', e.ws];
  const server = spawn(codeServer, args, { env: { ...e.env, ...access.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping the editor');
    const children = server.exitCode === null && server.pid ? descendants(server.pid) : [];
    if (server.exitCode === null) server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await model?.close();
    process.exit(code);
  };
  server.on('exit', (c) => {
    if (stopping) return;
    process.stderr.write(`code-server exited (${c}); its log:\n${log.slice(-3000)}\n`);
    void stop(1);
  });
  return { server, log: () => log, stop };
}

function banner(url: string, e: Editor, model: ScriptedModelServer | undefined, access: EditorAccess): string {
  return [
    '',
    'Savepoint is running in VS Code 1.100 (code-server) on this machine. Open:',
    '',
    `    ${url}/?folder=${encodeURIComponent(e.ws)}`,
    `    ${access.line}`,
    '',
    model ? `Model: the ${DEMO_LABEL.toUpperCase()} at ${model.url}. It plays a fixed script; set ANTHROPIC_API_KEY and run again to use Claude.` : 'Model: Claude (ANTHROPIC_API_KEY from the environment).',
    `Demo project: ${e.ws}`,
    'Try: F1 → "Savepoint: New Session" → a task such as "Make greet() friendlier"; approve the edit; open the Savepoint sidebar.',
    `Desktop VS Code instead: code --install-extension ${vsix}`,
    'Ctrl+C stops the editor.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const apiKey = process.env.ANTHROPIC_API_KEY?.trim() || undefined;
  if (flag('reset')) rmSync(state, { recursive: true, force: true });
  prepareTools();
  const e = editorIn(state);
  writeDemoProject(e.ws, !!apiKey);
  installVsix(e);
  const requested = option('port') ?? process.env.PORT;
  const port = requested ? Number(requested) : await freePort();
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port ${requested}`);
  const access = editorAccess();
  const model = await chooseModel(e, apiKey);
  const { server, log, stop } = serve(e, port, model, access);
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, server);
  } catch (err) {
    process.stderr.write(`[open-editor] ${err instanceof Error ? err.message : String(err)}\n${log().slice(-3000)}\n`);
    return stop(1);
  }
  process.stdout.write(`${banner(url, e, model, access)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[open-editor] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
