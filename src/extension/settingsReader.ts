import * as vscode from 'vscode';
import { SettingsValues, noticesToShow, settingsWarning } from '../core/settings/settingsValues';
import { notify } from './notify';

/** Problems already shown to the user: a value is reported once, not at every read. */
const reported = new Set<string>();

/** Where the workspace choices the user has seen are kept (the workspace's state), once set at activation. */
let choicesSeen: vscode.Memento | undefined;
const SEEN_KEY = 'savepoint.settingsChoicesSeen';

/** Remembers in `state` (the workspace's) the workspace choices shown, so that a later window does not show them again (`noticesToShow`). */
export function rememberChoicesIn(state: vscode.Memento): void {
  choicesSeen = state;
}

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
   * (`used`: the model a repository chose; once per workspace, see `noticesToShow`); "Open Settings" opens the first setting.
   */
  report(): void {
    const { show: fresh, seen } = noticesToShow(this.problems, reported, choicesSeen?.get<string[]>(SEEN_KEY) ?? []);
    if (!fresh.length) return;
    for (const p of fresh) reported.add(p.text);
    if (fresh.some((p) => p.used)) void choicesSeen?.update(SEEN_KEY, seen);
    // The first one the warning names: what is not used comes before what a workspace chose.
    const first = fresh.find((p) => !p.used) ?? fresh[0]!;
    void notify.warn(`Savepoint: ${settingsWarning(fresh)}`, 'Open Settings').then((a) => a && vscode.commands.executeCommand('workbench.action.openSettings', `savepoint.${first.key}`));
  }
}
