import type * as vscode from 'vscode';
import { type AgentSettings, type CheckCommandAnswers, checkCommandOf } from '../core/settings/agentSettings';
import { notify } from './notify';

const KEY = 'savepoint.checkCommandAnswers';

/**
 * A `savepoint.checkCommand` that a workspace's settings set runs only once the user allows that
 * exact command in this workspace, as VS Code asks before it uses a workspace's own TypeScript.
 * The settings come with a cloned repository; the answer is kept in the extension's workspace
 * state, which no file of the repository can write. Until then the user's own check command (or
 * VS Code's problems) is used.
 */
export class CheckCommandConsent {
  constructor(private readonly state: vscode.Memento) {}

  /** The command to run. `ask`: a session is about to run, so an unanswered command may be asked about (modal). */
  async command(s: Pick<AgentSettings, 'checkCommand' | 'workspaceCheckCommand'>, ask: boolean): Promise<string | undefined> {
    const answers = this.state.get<CheckCommandAnswers>(KEY, {});
    const { command, unanswered } = checkCommandOf(s, answers);
    if (unanswered === undefined || !ask) return command;
    const allow = 'Allow in This Workspace';
    const choice = await notify.warn(
      "Savepoint: this workspace's settings ask to run a command after every step that changes files, and whenever the agent checks for errors (savepoint.checkCommand). Run it?",
      { modal: true, detail: `${unanswered}\n\nOnly allow a command you have read and trust: it runs without asking again. ${s.checkCommand ? `Otherwise your own check command runs (${s.checkCommand}).` : "Otherwise VS Code's problems are used."}` },
      allow,
      "Don't Allow",
    );
    // Closed without an answer: asked again at the next session.
    if (choice === undefined) return command;
    await this.state.update(KEY, { ...answers, [unanswered]: choice === allow ? 'allow' : 'deny' });
    return choice === allow ? unanswered : command;
  }
}
