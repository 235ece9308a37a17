import * as vscode from 'vscode';
import { type SettingLayers, SettingsValues, noticesToShow, settingsWarning } from '../core/settings/settingsValues';
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
 * `inspect` (the user's, the workspace's and, in a workspace of several folders, each folder's
 * own), so that a workspace's settings count only as far as the key lets them. `folder`: the
 * workspace folder the session works in, whose own settings choose for it (the other folders'
 * count for safeguards only, see `SettingLayers`). `report` shows the problems not shown before,
 * with a button to the setting. settings.json is hand-edited: it must never stop a command on a TypeError.
 */
export class SettingsReader extends SettingsValues {
  constructor(folder?: vscode.WorkspaceFolder) {
    const config = vscode.workspace.getConfiguration('savepoint');
    // With one folder open and no .code-workspace file, the folder's settings are the workspace's.
    const folders = vscode.workspace.workspaceFile ? (vscode.workspace.workspaceFolders ?? []) : [];
    const own = folders.find((f) => f.uri.toString() === folder?.uri.toString());
    const byFolder = new Map(folders.map((f) => [f, vscode.workspace.getConfiguration('savepoint', f.uri)]));
    const folderValue = (f: vscode.WorkspaceFolder, key: string): unknown => byFolder.get(f)?.inspect<unknown>(key)?.workspaceFolderValue;
    super((key): SettingLayers => {
      const all = config.inspect<unknown>(key);
      return {
        globalValue: all?.globalValue,
        workspaceValue: all?.workspaceValue,
        ...(own ? { workspaceFolderValue: folderValue(own, key), workspaceFolderName: own.name } : {}),
        otherFolders: folders.filter((f) => f !== own).map((f) => ({ name: f.name, value: folderValue(f, key) })),
      };
    });
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
