import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { config } from './helpers';

/**
 * The extension-tests entry (`extensionTestsPath`): VS Code loads it inside the extension host,
 * with the real `vscode` module, and reports `run()`'s outcome to the launcher (code-server: the
 * workbench calls `codeAutomationExit`; @vscode/test-electron: the process exit code).
 */
const SUITES = ['commands', 'journalOps', 'settings', 'sidebar', 'sidebarState', 'recovery', 'newSession', 'approvalEdit', 'rewind', 'memory', 'diagnostics', 'sidebarSteps', 'checkpointCommands', 'sidebarList', 'sidebarKeys', 'sidebarThemes', 'sidebarStale', 'sidebarReadOnly', 'retention', 'restricted', 'storeKey', 'storeTakeOver', 'sessionDocument', 'multiRoot', 'multiRootSettings', 'multiRootVirtual', 'editorSaves', 'sidebarBigStep', 'sidebarA11y', 'longText', 'secrets', 'approvalAnswers', 'longSession'];

export async function run(): Promise<void> {
  // One formatted string per line: the code-server launcher reads the host's console through the
  // browser, which does not apply format strings; it sets a tag to tell these lines from others.
  const tag = process.env.SAVEPOINT_INTEG_TAG ?? '';
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(`${tag}${format(...args)}`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 90000, reporter: 'spec' });
  const grep = process.env.SAVEPOINT_INTEGRATION_GREP;
  if (grep) mocha.grep(grep);
  for (const s of SUITES) mocha.addFile(join(__dirname, 'suite', `${s}.test.js`));
  const results: Array<{ title: string; state: 'passed' | 'failed'; ms?: number; error?: string }> = [];
  const started = Date.now();
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ...(t.duration !== undefined ? { ms: t.duration } : {}) }));
    runner.on('fail', (t, err: unknown) => results.push({ title: t.fullTitle(), state: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
  });
  try {
    writeFileSync(config().resultsFile, JSON.stringify({ failures, ms: Date.now() - started, results }, null, 1));
  } catch (e) {
    console.error(`could not write the results file: ${String(e)}`);
  }
  if (failures > 0) throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`);
}
