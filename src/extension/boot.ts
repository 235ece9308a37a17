import { join } from 'node:path';
import type * as vscode from 'vscode';
import type * as Main from './extension';
import { loadWithCodeCache } from '../core/node/codeCache';

/**
 * The extension's entry (dist/extension.js): the bundle of extension.ts beside it
 * (extension-main.js), compiled through the code cache. The cache is written when the editor closes
 * the extension, with all the code the session ran (a rewind, a run...), and first a little after
 * activation when there was none, so that even a session that ends in a crash leaves one.
 */
const main = loadWithCodeCache<typeof Main>(join(__dirname, 'extension-main.js'), 'extension');

/** After activation, when the first cache is written: the start-up's code has run by then. */
const FIRST_SAVE_MS = 20_000;

export function activate(context: vscode.ExtensionContext): void {
  main.exports.activate(context);
  if (main.state === 'used' || main.state === 'off') return;
  const first = setTimeout(() => void main.save('activate'), FIRST_SAVE_MS);
  first.unref();
  context.subscriptions.push({ dispose: () => clearTimeout(first) });
}

export async function deactivate(): Promise<void> {
  try {
    await main.exports.deactivate();
  } finally {
    main.save('session', { always: true });
  }
}
