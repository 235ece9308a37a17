import * as vscode from 'vscode';
import type { ApprovalPolicy, CategoryRule } from '../core/runner/approvalPolicy';
import type { Budgets } from '../core/runner/budgets';
import { type ApprovalTimeout, approvalTimeoutFrom } from '../shared/approvalTimeout';
import { SettingsReader } from './settingsReader';

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
  checkCommand: string | undefined;
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
}

const DEFAULT_MODEL = 'claude-sonnet-4-6';
const RULES = ['auto', 'ask'] as const;

/**
 * The `savepoint.*` settings as the core wants them. A value of the wrong type or out of range
 * falls back to its default, and the user is told which setting and why (once per value).
 */
export function readSettings(): AgentSettings {
  const r = new SettingsReader(vscode.workspace.getConfiguration('savepoint'));
  const model = r.text('model', DEFAULT_MODEL).trim() || DEFAULT_MODEL;
  const fallbacks = r.texts('fallbackModels').filter((m) => m.trim() && m !== model);
  const budgets: Budgets = {};
  // 0 means no limit.
  const steps = r.number('budget.maxSteps', 0, { min: 0 });
  const tokens = r.number('budget.maxTokens', 0, { min: 0 });
  const cost = r.number('budget.maxCostUsd', 0, { min: 0 });
  const failures = r.number('budget.maxToolFailures', 5, { min: 0 });
  const minutes = r.number('budget.maxMinutes', 0, { min: 0 });
  if (steps) budgets.maxSteps = steps;
  if (tokens) budgets.maxTokens = tokens;
  if (cost) budgets.maxCostUsd = cost;
  if (failures) budgets.maxToolFailures = failures;
  if (minutes) budgets.maxMinutes = minutes;
  const rule = (key: string, fallback: CategoryRule): CategoryRule => r.oneOf(`approval.${key}`, RULES, fallback);
  const settings: AgentSettings = {
    models: [model, ...fallbacks],
    baseUrl: r.text('baseUrl', '').trim() || undefined,
    maxTokens: r.number('maxTokens', 8192, { min: 1 }),
    streamIdleMs: r.number('streamIdleSeconds', 90, { min: 5, max: 3600, whole: true }) * 1000,
    maxContinuations: r.number('maxContinuations', 3, { min: 0, max: 20, whole: true }),
    budgets,
    policy: {
      categories: { read: rule('read', 'auto'), compute: rule('compute', 'ask'), mutate: rule('mutate', 'ask'), memory: rule('memory', 'auto') },
      alwaysAsk: r.texts('approval.alwaysAsk'),
    },
    autoResume: r.flag('autoResume', false),
    checkCommand: r.text('checkCommand', '').trim() || undefined,
    checkTimeoutMs: r.number('checkCommandTimeoutSeconds', 300, { min: 1, max: 86400 }) * 1000,
    approvalTimeout: readApprovalTimeout(),
    diagnoseSteps: r.flag('diagnostics.afterEachStep', true),
    context: { threshold: r.number('context.compactAtPercent', 70, { min: 20, max: 95 }) / 100, keepTurns: r.number('context.keepTurns', 4, { min: 1, max: 50 }) },
    maxFileBytes: r.number('checkpoints.maxFileSizeMB', 5, { min: 1, max: 1024 }) * 1024 * 1024,
    ignore: r.texts('ignore'),
  };
  r.number('approval.timeoutMinutes', 0, { min: 0, max: 10080 });
  r.oneOf('approval.timeoutAction', ['reject', 'approve'] as const, 'reject');
  r.report();
  return settings;
}

/** `savepoint.store.*`, read when the store opens. */
export function readStoreSettings(): { syncWrites: boolean; snapshotEvery: number; encryptAtRest: boolean } {
  const r = new SettingsReader(vscode.workspace.getConfiguration('savepoint'));
  const out = { syncWrites: r.flag('store.syncWrites', true), snapshotEvery: r.number('store.snapshotEvery', 64, { min: 1 }), encryptAtRest: r.flag('store.encryptAtRest', false) };
  r.report();
  return out;
}

/** `savepoint.approval.timeoutMinutes` and `.timeoutAction`; read on every ask, so a change applies to waiting approvals too. */
export function readApprovalTimeout(): ApprovalTimeout {
  const c = vscode.workspace.getConfiguration('savepoint.approval');
  return approvalTimeoutFrom(c.get('timeoutMinutes'), c.get('timeoutAction'));
}
