import { type ApprovalPolicy, type CategoryRule, patternFault } from '../runner/approvalPolicy';
import type { Budgets } from '../runner/budgets';
import type { RetentionPolicy } from '../store/types';
import { type ApprovalTimeout, approvalTimeoutFrom } from '../../shared/approvalTimeout';
import { DEFAULT_SECRET_NAMES, secretNameFault } from '../secrets/secretMask';
import { askWins, bothLists, higherLimit, lowerLimit, offWins, onWins, type SettingsValues } from './settingsValues';

export interface AgentSettings {
  models: string[];
  baseUrl: string | undefined;
  maxTokens: number;
  /** Abandon and retry a model answer silent this long (savepoint.streamIdleSeconds). */
  streamIdleMs: number;
  /** Requests to go on with an answer cut short, in a row (savepoint.maxContinuations). */
  maxContinuations: number;
  budgets: Budgets;
  policy: ApprovalPolicy;
  autoResume: boolean;
  /** The check command of the user's settings. */
  checkCommand: string | undefined;
  /** The check command this workspace's settings ask for instead: run only once the user allows it (see `CheckCommandConsent`). */
  workspaceCheckCommand: string | undefined;
  /** savepoint.checkCommand's time limit. */
  checkTimeoutMs: number;
  approvalTimeout: ApprovalTimeout;
  /** Record the compiler findings after every step that changes files. */
  diagnoseSteps: boolean;
  /** Compaction: the fraction of the window that triggers it, and the turns kept verbatim. */
  context: { threshold: number; keepTurns: number };
  /** Files over this size are recorded by hash and size only. */
  maxFileBytes: number;
  /** Globs of files whose changes are not captured. */
  ignore: string[];
  /** Patterns of the names of environment variables whose values are masked in command output (see `secretValues`). */
  secretEnvNames: string[];
}

const DEFAULT_MODEL = 'claude-sonnet-4-6';
const RULES = ['auto', 'ask'] as const;

/**
 * Settings only the user's own settings may set (VS Code scope `machine`, so that VS Code ignores
 * them in a workspace's settings too): the address the API key is sent to, and what an approval
 * nobody answers becomes. package.json declares them so; a unit test holds the two together.
 */
export const USER_ONLY_SETTINGS = ['baseUrl', 'approval.timeoutMinutes', 'approval.timeoutAction'] as const;

/**
 * Settings of the workspace's one store, which no folder of a workspace of several folders chooses
 * (VS Code scope `window`). The rest are scope `resource`: a folder's own settings reach the reader
 * (see SettingLayers); package.json declares them so, and a unit test holds the two together.
 */
export const WORKSPACE_WIDE_SETTINGS = ['store.snapshotEvery'] as const;

/**
 * Safeguards a workspace's settings may make stricter and never looser: approvals (ask over auto,
 * more always-ask patterns), budgets, the output tokens per model call and the continuations of a
 * cut answer (the lower limit: a repository does not spend more of the user's money than they allow), encryption at rest and
 * synced writes (on over off), memory (off over on: the user's memory of other projects is not
 * offered to a repository that asks for it), auto-resume (off over on: a repository does not run
 * the agent at startup without the user).
 */
export const STRICTEST_SETTINGS = ['approval.read', 'approval.compute', 'approval.mutate', 'approval.memory', 'approval.alwaysAsk', 'budget.maxSteps', 'budget.maxTokens', 'budget.maxCostUsd', 'budget.maxToolFailures', 'budget.maxMinutes', 'maxTokens', 'maxContinuations', 'store.encryptAtRest', 'store.syncWrites', 'memory.enabled', 'autoResume', 'retention.keepLastSessions', 'retention.maxAgeDays', 'secretEnvNames'] as const;

/**
 * The `savepoint.*` settings as the core wants them. A value of the wrong type or out of range
 * falls back to its default, and so does a workspace value that would loosen a safeguard; each
 * leaves a problem in `values.problems` for the user. So does an always-ask pattern that is not
 * used (invalid, or one that could freeze the editor: it makes every call ask instead).
 */
export function agentSettings(r: SettingsValues): AgentSettings {
  const model = r.text('model', DEFAULT_MODEL, 'told', 'it decides what a session costs').trim() || DEFAULT_MODEL;
  const fallbacks = r.texts('fallbackModels', 'told', 'they decide what a session costs when the model is unavailable').filter((m) => m.trim() && m !== model);
  const budgets: Budgets = {};
  // 0 means no limit. Counts are whole: "3 of 2.5 steps" is no budget a person sets.
  const limit = (key: string, fallback: number, whole = false) => r.number(`budget.${key}`, fallback, { min: 0, zeroIsNone: true, whole }, { strictest: lowerLimit });
  const steps = limit('maxSteps', 0, true);
  const tokens = limit('maxTokens', 0, true);
  const cost = limit('maxCostUsd', 0);
  const failures = limit('maxToolFailures', 5, true);
  const minutes = limit('maxMinutes', 0);
  if (steps) budgets.maxSteps = steps;
  if (tokens) budgets.maxTokens = tokens;
  if (cost) budgets.maxCostUsd = cost;
  if (failures) budgets.maxToolFailures = failures;
  if (minutes) budgets.maxMinutes = minutes;
  const rule = (key: string, fallback: CategoryRule): CategoryRule => r.oneOf(`approval.${key}`, RULES, fallback, { strictest: askWins });
  const alwaysAsk = r.texts('approval.alwaysAsk', { strictest: bothLists });
  for (const src of alwaysAsk) {
    const fault = patternFault(src);
    if (fault !== undefined) r.problems.push({ key: 'approval.alwaysAsk', text: `savepoint.approval.alwaysAsk has ${JSON.stringify(src)}, which ${fault}: it is not used as a pattern, and every call is asked about until it is changed` });
  }
  const userCheck = r.text('checkCommand', '', 'consent').trim() || undefined;
  const workspaceCheck = r.workspaceText('checkCommand')?.trim() || undefined;
  return {
    models: [model, ...fallbacks],
    baseUrl: r.text('baseUrl', '', 'user', 'the API key is sent to it').trim() || undefined,
    maxTokens: r.number('maxTokens', 8192, { min: 1, whole: true }, { strictest: Math.min }),
    streamIdleMs: r.number('streamIdleSeconds', 90, { min: 5, max: 3600, whole: true }) * 1000,
    maxContinuations: r.number('maxContinuations', 3, { min: 0, max: 20, whole: true }, { strictest: Math.min }),
    budgets,
    policy: {
      categories: { read: rule('read', 'auto'), compute: rule('compute', 'ask'), mutate: rule('mutate', 'ask'), memory: rule('memory', 'auto') },
      alwaysAsk,
    },
    autoResume: r.flag('autoResume', false, { strictest: offWins }),
    checkCommand: userCheck,
    workspaceCheckCommand: workspaceCheck === userCheck ? undefined : workspaceCheck,
    checkTimeoutMs: r.number('checkCommandTimeoutSeconds', 300, { min: 1, max: 86400 }) * 1000,
    approvalTimeout: approvalTimeout(r),
    diagnoseSteps: r.flag('diagnostics.afterEachStep', true),
    context: { threshold: r.number('context.compactAtPercent', 70, { min: 20, max: 95 }) / 100, keepTurns: r.number('context.keepTurns', 4, { min: 1, max: 50, whole: true }) },
    maxFileBytes: r.number('checkpoints.maxFileSizeMB', 5, { min: 1, max: 1024 }, 'told', 'files larger than this that commands change are kept by hash only, and a rewind cannot bring them back') * 1024 * 1024,
    // A repository may keep its build output out of the capture; `**` would keep everything out, so the user is told.
    ignore: r.texts('ignore', 'told', 'what commands change under these paths is not recorded, and a rewind cannot bring it back'),
    secretEnvNames: secretEnvNames(r),
  };
}

/**
 * `savepoint.secretEnvNames`: a workspace's settings add names to the user's (or the defaults), never
 * take one away. A pattern that is not one is named and left out.
 */
function secretEnvNames(r: SettingsValues): string[] {
  const names = r.texts('secretEnvNames', { strictest: bothLists }, undefined, DEFAULT_SECRET_NAMES);
  return names.filter((p) => {
    const fault = secretNameFault(p);
    if (fault !== undefined) r.problems.push({ key: 'secretEnvNames', text: `savepoint.secretEnvNames has ${JSON.stringify(p)}, which ${fault}: it is not used` });
    return fault === undefined;
  });
}

/** `savepoint.approval.timeoutMinutes` and `.timeoutAction`, from the user's settings only (they decide approvals nobody answers). */
export function approvalTimeout(r: SettingsValues): ApprovalTimeout {
  const why = 'it decides the approvals you do not answer';
  return approvalTimeoutFrom(r.number('approval.timeoutMinutes', 0, { min: 0, max: 10080 }, 'user', why), r.oneOf('approval.timeoutAction', ['reject', 'approve'] as const, 'reject', 'user', why));
}

/** `savepoint.store.*`, read when the store opens. Synced writes: on if any place's settings turn them on (a workspace cannot trade the user's checkpoints for speed). */
export function storeSettings(r: SettingsValues): { syncWrites: boolean; snapshotEvery: number; encryptAtRest: boolean } {
  return { syncWrites: r.flag('store.syncWrites', true, { strictest: onWins }), snapshotEvery: r.number('store.snapshotEvery', 64, { min: 1 }), encryptAtRest: encryptAtRest(r) };
}

/**
 * `savepoint.retention.*` as the store's policy; 0 (the default) sets no limit. A workspace's settings
 * may keep more sessions (a higher limit, or none), never fewer: a cloned repository does not delete
 * the user's sessions.
 */
export function retentionPolicy(r: SettingsValues): RetentionPolicy {
  const keepLast = r.number('retention.keepLastSessions', 0, { min: 0, whole: true, zeroIsNone: true }, { strictest: higherLimit });
  const days = r.number('retention.maxAgeDays', 0, { min: 0, zeroIsNone: true }, { strictest: higherLimit });
  return { ...(keepLast > 0 ? { keepLast } : {}), ...(days > 0 ? { maxAgeMs: days * DAY_MS } : {}) };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `savepoint.store.encryptAtRest`: on if any place's settings turn it on. */
export const encryptAtRest = (r: SettingsValues): boolean => r.flag('store.encryptAtRest', false, { strictest: onWins });

/** `savepoint.memory.enabled`: off if any place's settings turn it off. */
export const memoryEnabled = (r: SettingsValues): boolean => r.flag('memory.enabled', true, { strictest: offWins });

/** The user's answers about check commands that a workspace's settings asked for, by command text. */
export type CheckCommandAnswers = Readonly<Record<string, 'allow' | 'deny'>>;

/**
 * The check command to run: the one this workspace's settings ask for once the user allowed that
 * exact text here, else the user's own (or none). `unanswered`: the workspace's command, neither
 * allowed nor refused yet, to ask about. A repository's settings alone never run a command.
 */
export function checkCommandOf(s: Pick<AgentSettings, 'checkCommand' | 'workspaceCheckCommand'>, answers: CheckCommandAnswers): { command: string | undefined; unanswered?: string } {
  const asked = s.workspaceCheckCommand;
  if (asked === undefined) return { command: s.checkCommand };
  const answer = Object.hasOwn(answers, asked) ? answers[asked] : undefined;
  if (answer === 'allow') return { command: asked };
  return { command: s.checkCommand, ...(answer === undefined ? { unanswered: asked } : {}) };
}
