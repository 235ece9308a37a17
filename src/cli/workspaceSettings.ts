import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { BUDGET_NAMES, type Budgets } from '../core/runner/budgets';
import { type AgentSettings, agentSettings, memoryEnabled } from '../core/settings/agentSettings';
import { type SettingLayers, SettingsValues } from '../core/settings/settingsValues';

/** What the command line says, as the user's settings would (each undefined: not given). */
export interface CliChoices {
  models?: readonly string[];
  budgets: Budgets;
  maxContinuations?: number;
  streamIdleSeconds?: number;
  checkCommand?: string;
  baseUrl?: string;
}

/** What a run takes from the workspace's settings, with the command line's choices in them. */
export interface CliSettings {
  models: string[];
  budgets: Budgets;
  maxTokens: number;
  maxContinuations: number;
  streamIdleMs: number;
  policy: AgentSettings['policy'];
  context: AgentSettings['context'];
  maxFileBytes: number;
  ignore: string[];
  secretEnvNames: string[];
  memory: boolean;
  /** What the user is told on stderr: a value not used and why, a repository's choice, a file that does not parse. */
  notes: string[];
}

export const SETTINGS_FILE = join('.vscode', 'settings.json');


/**
 * The workspace's `.vscode/settings.json` read with the editor's rules (see SettingsValues): the
 * command line is the user's word, the file a repository's. So the file may make a safeguard
 * stricter (ask more, stop sooner, budgets lower, memory off) and never looser; it chooses the
 * models, ignored paths, size limit and compaction when the command line does not (and says so);
 * it never sets where the API key goes. A check command it asks for is named, not run.
 */
export function cliSettings(workspace: string, cli: CliChoices): CliSettings {
  const { values: file, notes } = readSettingsFile(workspace);
  const mine: Record<string, unknown> = {
    ...(cli.models?.length ? { model: cli.models[0], fallbackModels: cli.models.slice(1) } : {}),
    // A budget not given is none (0), as the command line has always run: the editor's default of 5 tool failures is its settings'.
    ...Object.fromEntries(BUDGET_NAMES.map((k) => [`budget.${k}`, cli.budgets[k] ?? 0])),
    ...(cli.maxContinuations !== undefined ? { maxContinuations: cli.maxContinuations } : {}),
    ...(cli.streamIdleSeconds !== undefined ? { streamIdleSeconds: cli.streamIdleSeconds } : {}),
    ...(cli.checkCommand !== undefined ? { checkCommand: cli.checkCommand } : {}),
    ...(cli.baseUrl !== undefined ? { baseUrl: cli.baseUrl } : {}),
  };
  const source = (key: string): SettingLayers | undefined => {
    const k = `savepoint.${key}`;
    if (!Object.hasOwn(file, k) && !Object.hasOwn(mine, key)) return undefined;
    return { ...(Object.hasOwn(mine, key) ? { globalValue: mine[key] } : {}), ...(Object.hasOwn(file, k) ? { workspaceValue: file[k] } : {}) };
  };
  const r = new SettingsValues(source);
  const s = agentSettings(r);
  const memory = memoryEnabled(r);
  // The command line is the user's word here: where the editor points to the user's settings, the CLI points to it.
  for (const p of r.problems) {
    const instead = p.key.startsWith('approval.') ? '--approvals yes answers what it asks' : "only the command line's options can loosen it";
    notes.push(p.text.replace('only your user settings can set it', 'only the command line can set it').replace('set it in your user settings', instead));
  }
  if (s.workspaceCheckCommand !== undefined && cli.checkCommand === undefined) {
    notes.push(`this workspace's settings ask for the check command ${JSON.stringify(s.workspaceCheckCommand)}: a repository's settings never run a command, so it is not run (give it as --check-command to use it)`);
  }
  return {
    // Given on the command line, the models are the user's choice over a repository's.
    models: cli.models?.length ? [...cli.models] : s.models,
    budgets: s.budgets,
    maxTokens: s.maxTokens,
    maxContinuations: s.maxContinuations,
    streamIdleMs: cli.streamIdleSeconds !== undefined ? cli.streamIdleSeconds * 1000 : s.streamIdleMs,
    policy: s.policy,
    context: s.context,
    maxFileBytes: s.maxFileBytes,
    ignore: s.ignore,
    secretEnvNames: s.secretEnvNames,
    memory,
    notes,
  };
}

/** The `savepoint.*` keys of the workspace's settings file; one that does not parse is not used, and the user is told where it breaks. */
function readSettingsFile(workspace: string): { values: Record<string, unknown>; notes: string[] } {
  let text: string;
  try {
    text = readFileSync(join(workspace, SETTINGS_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { values: {}, notes: [] };
    return { values: {}, notes: [`${SETTINGS_FILE} could not be read (${code ?? String(e)}): its settings are not used`] };
  }
  const errors: ParseError[] = [];
  const parsed: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    return { values: {}, notes: [`${SETTINGS_FILE} is not valid (${printParseErrorCode(first.error)} on line ${line}): none of its settings are used until it is fixed`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { values: {}, notes: [`${SETTINGS_FILE} does not hold an object of settings: its settings are not used`] };
  }
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) if (k.startsWith('savepoint.')) values[k] = v;
  return { values, notes: [] };
}
