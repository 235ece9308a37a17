import * as vscode from 'vscode';
import { SettingsValues, settingsWarning } from '../core/settings/settingsValues';
import { notify } from './notify';

/** Problems already shown to the user: a value is reported once, not at every read. */
const reported = new Set<string>();

/**
 * `SettingsValues` on VS Code's configuration: each key's values by where they are set, from
 * `inspect` (the user's, the workspace's and the folder's), so that a workspace's settings count
 * only as far as the key lets them. `report` shows the problems not shown before, with a button to
 * the setting. settings.json is hand-edited: it must never stop a command on a TypeError.
 */
export class SettingsReader extends SettingsValues {
  constructor(config: vscode.WorkspaceConfiguration = vscode.workspace.getConfiguration('savepoint')) {
    super((key) => config.inspect<unknown>(key));
  }

  /**
   * Shows the problems not shown before, in one warning, with the notices of workspace values used
   * (`used`: the model a repository chose); "Open Settings" opens the first setting.
   */
  report(): void {
    const fresh = this.problems.filter((p) => !reported.has(p.text));
    if (!fresh.length) return;
    for (const p of fresh) reported.add(p.text);
    // The first one the warning names: what is not used comes before what a workspace chose.
    const first = fresh.find((p) => !p.used) ?? fresh[0]!;
    void notify.warn(`Savepoint: ${settingsWarning(fresh)}`, 'Open Settings').then((a) => a && vscode.commands.executeCommand('workbench.action.openSettings', `savepoint.${first.key}`));
  }
}
