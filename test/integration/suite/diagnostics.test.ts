import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { NodeProcessRunner } from '../../../src/core/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/core/node/nodeWorkspace';
import { collectBase, diagnoseStep, prepareBase } from '../../../src/core/runner/stepDiagnostics';
import { getDiagnosticsTool } from '../../../src/core/tools/getDiagnostics';
import { VscodeDiagnostics } from '../../../src/extension/vscodeDiagnostics';
import { waitFor, workspaceRoot } from '../helpers';

/**
 * VS Code's problems come from language servers, and the editor's TypeScript server checks only the
 * files shown in tabs: a file in a tab is compared through the Problems view (an error it already
 * had is not the step's, a new one is, closing the tab fixes nothing); a script not in a tab through
 * the TypeScript server, asked directly before and after the step.
 */
describe('Diagnostics from the editor', () => {
  const signal = new AbortController().signal;
  const legacy = "export const legacy: number = 'text';\nexport const ok = 1;\n";
  let root: string;
  let source: VscodeDiagnostics;
  const write = (rel: string, text: string) => writeFileSync(join(root, rel), text);
  const errorsIn = (rel: string) => vscode.languages.getDiagnostics(vscode.Uri.file(join(root, rel))).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

  before(() => {
    root = workspaceRoot();
    mkdirSync(join(root, 'diag'), { recursive: true });
    source = new VscodeDiagnostics(root);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.file(join(root, 'diag')), { recursive: true });
  });

  it('a file shown in a tab: its existing error is not the step\'s, a new one is; closing its tab fixes nothing', async () => {
    const rel = 'diag/shown.ts';
    write(rel, `// shown\n${legacy}`);
    await vscode.window.showTextDocument(vscode.Uri.file(join(root, rel)), { preview: false, preserveFocus: true });
    await waitFor('the TypeScript server to report the existing error', () => (errorsIn(rel).length === 1 ? true : undefined), 60_000);
    assert.equal(source.reports(rel), true);
    const base = await collectBase(source, signal);
    assert.ok(base);
    assert.deepEqual(base.findings.filter((f) => f.path === rel).map((f) => f.code), ['2322']);

    write(rel, `// shown, with a comment the step added\n${legacy}`);
    const first = await diagnoseStep(source, [rel], base, signal);
    assert.equal(first.record.introducedCount, 0, JSON.stringify(first.record));

    write(rel, `// shown, with a comment the step added\n${legacy}export const two: string = 2;\n`);
    const findings1 = { findings: base.findings, errors: base.errors, warnings: base.warnings };
    const second = await diagnoseStep(source, [rel], findings1, signal);
    assert.equal(second.record.introducedCount, 1, JSON.stringify(second.record));
    assert.equal(second.record.introduced[0]?.line, 4);
    assert.equal(second.record.introduced[0]?.code, '2322');

    // The tab is closed (the server drops the file's problems when its document closes, minutes later
    // for one the settle opened; as long as they are shown they count). A step on another file does not "fix" them.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const afterSecond = { findings: [...base.findings, ...second.record.introduced], errors: second.record.errors, warnings: second.record.warnings };
    write('diag/other.ts', 'export const other = 1;\n');
    const third = await diagnoseStep(source, ['diag/other.ts'], afterSecond, signal, { created: ['diag/other.ts'] });
    assert.equal(third.record.resolvedCount, 0, JSON.stringify(third.record));
    assert.equal(third.record.errors, second.record.errors);
  });

  it('a script not in a tab: the TypeScript server is asked about it before and after the step, exactly', async () => {
    const rel = 'diag/hidden.ts';
    write(rel, legacy);
    assert.equal(source.reports(rel), false, 'not shown, nothing reported');
    const before = await collectBase(source, signal);
    assert.ok(before);
    const base = await prepareBase(source, [rel], before, signal);
    assert.equal(source.reports(rel), true, 'asked about from now on');
    assert.deepEqual(base.findings.filter((f) => f.path === rel).map((f) => [f.line, f.code]), [[1, '2322']], 'the error it already had is in the base');
    assert.equal(errorsIn(rel).length, 0, 'and still nothing in the Problems view: the server was asked directly');

    write(rel, `// edited\n${legacy}`);
    const first = await diagnoseStep(source, [rel], base, signal);
    assert.equal(first.record.introducedCount, 0, JSON.stringify(first.record));
    assert.equal(first.record.errors, base.errors);
    assert.equal(first.record.unchecked, undefined);

    write(rel, `// edited\n${legacy}export const two: string = 2;\n`);
    const second = await diagnoseStep(source, [rel], base, signal);
    assert.equal(second.record.introducedCount, 1, JSON.stringify(second.record));
    assert.deepEqual([second.record.introduced[0]?.path, second.record.introduced[0]?.line, second.record.introduced[0]?.code], [rel, 4, '2322']);

    write(rel, 'export const fixed = 1;\n');
    const third = await diagnoseStep(source, [rel], { findings: [...base.findings, ...second.record.introduced], errors: second.record.errors, warnings: second.record.warnings }, signal);
    assert.equal(third.record.resolvedCount, 2, JSON.stringify(third.record));
  });

  it('problems asked for by folder (get_diagnostics paths: a folder) are those of the files under it', async () => {
    mkdirSync(join(root, 'diag/sub'), { recursive: true });
    const rel = 'diag/sub/inner.ts';
    write(rel, legacy);
    await source.prepare([rel]);
    assert.equal(source.reports(rel), true, 'asked about from now on');
    for (const scope of ['diag/sub', 'diag/sub/', 'diag']) {
      assert.deepEqual((await source.collect([scope])).filter((f) => f.path === rel).map((f) => [f.line, f.code]), [[1, '2322']], scope);
    }
    assert.deepEqual((await source.collect(['diag/su'])).filter((f) => f.path === rel), [], 'a folder is not a prefix of a name');
  });

  it('get_diagnostics naming a script not open: the TypeScript server is asked about it, and its error listed', async () => {
    const rel = 'diag/named.ts';
    write(rel, legacy);
    const editor = new VscodeDiagnostics(root);
    assert.equal(editor.reports(rel), false, 'not shown, nothing reported');
    const out = await getDiagnosticsTool.run!({ paths: [rel], max_results: 200 }, { workspace: new NodeWorkspace(root), processes: new NodeProcessRunner(), diagnostics: editor, signal });
    assert.match(out.content, /^diag\/named\.ts:1:\d+ error .*\[ts 2322\]\n\[1 finding \(1 error\) in diag\/named\.ts\.\]$/, out.content);
  });

  it('a file shown only in a diff editor counts as shown, with no problems too: the server checks it, so none means none', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const rel = 'diag/diffed.ts';
    write(rel, 'export const fine = 1;\n');
    write('diag/diffed.orig.txt', 'export const fine = 0;\n');
    assert.equal(source.reports(rel), false, 'not shown yet, nothing reported');
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(join(root, 'diag/diffed.orig.txt')), vscode.Uri.file(join(root, rel)), 'diffed.ts (review)');
    assert.equal(source.reports(rel), true, 'the modified side of a diff tab is shown: its having no problems is known');
    // And the server does check it: an error written to it is reported without a tab of its own.
    write(rel, legacy);
    await waitFor('the TypeScript server to report the file shown in the diff', () => (errorsIn(rel).length === 1 ? true : undefined), 60_000);
  });
});
