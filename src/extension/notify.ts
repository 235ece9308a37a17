import * as vscode from 'vscode';
import { withoutLinks } from '../shared/notificationText';

type Show = typeof vscode.window.showInformationMessage;

/** A message box's options (not a button: a `MessageItem` has a title). */
const isOptions = (x: unknown): x is vscode.MessageOptions => typeof x === 'object' && x !== null && !('title' in x);

/** VS Code's `name` with the message and its detail shown as written (see `withoutLinks`). */
function plain(name: 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage'): Show {
  return ((message: string, ...rest: unknown[]) => {
    const [first, ...buttons] = rest;
    const head = isOptions(first) && first.detail !== undefined ? { ...first, detail: withoutLinks(first.detail) } : first;
    // Looked up at each call: the in-host tests put stubs on vscode.window.
    return (vscode.window[name] as (...args: unknown[]) => Thenable<unknown>)(withoutLinks(message), ...(rest.length ? [head, ...buttons] : []));
  }) as Show;
}

/**
 * The only way the extension shows a notification or a message box (a lint rule holds it so).
 * Messages carry text from the model (a command, a path), the workspace (file names) and servers
 * (errors); VS Code would render link syntax in them as links that run commands when clicked.
 */
export const notify = {
  info: plain('showInformationMessage'),
  warn: plain('showWarningMessage'),
  error: plain('showErrorMessage'),
};
