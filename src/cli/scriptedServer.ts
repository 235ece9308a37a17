import { ScenarioError, loadScenarioFile } from '../core/scripted/scenario';
import { ScriptedModelServer } from '../core/scripted/scriptedModelServer';

/**
 * Serves a scenario file with the scripted model server until killed:
 *   node out/src/cli/scriptedServer.js SCENARIO.json [--port N] [--state FILE]
 * Prints `listening http://127.0.0.1:PORT` on stdout once it listens; violations go to stderr.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || file.startsWith('--')) {
    process.stderr.write('usage: scriptedServer SCENARIO.json [--port N] [--state FILE]\n');
    process.exit(2);
  }
  const port = Number(arg('port') ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`bad --port ${arg('port')}\n`);
    process.exit(2);
  }
  const scenario = await loadScenarioFile(file);
  const stateFile = arg('state');
  const server = await ScriptedModelServer.start(scenario, {
    port,
    ...(stateFile ? { stateFile } : {}),
    onViolation: (v) => process.stderr.write(`violation #${v.seq} ${v.kind}: ${v.message}\n`),
  });
  process.stdout.write(`listening ${server.url}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${ScenarioError.is(e) ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
