import * as vscode from 'vscode';
import type { ApprovalPolicy, CategoryRule } from '../core/runner/approvalPolicy';
import type { Budgets } from '../core/runner/budgets';
import { type ApprovalTimeout, approvalTimeoutFrom } from '../shared/approvalTimeout';

export interface AgentSettings {
  models: string[];
  baseUrl: string | undefined;
  maxTokens: number;
  budgets: Budgets;
  policy: ApprovalPolicy;
  autoResume: boolean;
  checkCommand: string | undefined;
  approvalTimeout: ApprovalTimeout;
  /** Record the compiler findings after every step that changes files. */
  diagnoseSteps: boolean;
  /** Compaction: the fraction of the window that triggers it, and the turns kept verbatim. */
  context: { threshold: number; keepTurns: number };
  /** Files over this size are recorded by hash and size only. */
  maxFileBytes: number;
}

const rule = (v: unknown, fallback: CategoryRule): CategoryRule => (v === 'auto' || v === 'ask' ? v : fallback);
const clamp = (v: number | undefined, min: number, max: number, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback);
const positive = (v: number | undefined) => (typeof v === 'number' && v > 0 ? v : undefined);

/** The `savepoint.*` settings as the core wants them. Invalid values fall back to the safe default. */
export function readSettings(): AgentSettings {
  const c = vscode.workspace.getConfiguration('savepoint');
  const model = c.get<string>('model', 'claude-sonnet-4-6').trim() || 'claude-sonnet-4-6';
  const fallbacks = c.get<string[]>('fallbackModels', []).filter((m) => typeof m === 'string' && m.trim() && m !== model);
  const budgets: Budgets = {};
  const steps = positive(c.get<number>('budget.maxSteps'));
  const tokens = positive(c.get<number>('budget.maxTokens'));
  const cost = positive(c.get<number>('budget.maxCostUsd'));
  const failures = positive(c.get<number>('budget.maxToolFailures'));
  if (steps) budgets.maxSteps = steps;
  if (tokens) budgets.maxTokens = tokens;
  if (cost) budgets.maxCostUsd = cost;
  if (failures) budgets.maxToolFailures = failures;
  return {
    models: [model, ...fallbacks],
    baseUrl: c.get<string>('baseUrl')?.trim() || undefined,
    maxTokens: positive(c.get<number>('maxTokens')) ?? 8192,
    budgets,
    policy: {
      categories: {
        read: rule(c.get('approval.read'), 'auto'),
        compute: rule(c.get('approval.compute'), 'ask'),
        mutate: rule(c.get('approval.mutate'), 'ask'),
        memory: rule(c.get('approval.memory'), 'auto'),
      },
      alwaysAsk: c.get<string[]>('approval.alwaysAsk', []).filter((p) => typeof p === 'string'),
    },
    autoResume: c.get<boolean>('autoResume', false),
    checkCommand: c.get<string>('checkCommand')?.trim() || undefined,
    approvalTimeout: readApprovalTimeout(),
    diagnoseSteps: c.get<boolean>('diagnostics.afterEachStep', true),
    context: { threshold: clamp(c.get<number>('context.compactAtPercent'), 20, 95, 70) / 100, keepTurns: clamp(c.get<number>('context.keepTurns'), 1, 50, 4) },
    maxFileBytes: clamp(c.get<number>('checkpoints.maxFileSizeMB'), 1, 1024, 5) * 1024 * 1024,
  };
}

/** `savepoint.approval.timeoutMinutes` and `.timeoutAction`; read on every ask, so a change applies to waiting approvals too. */
export function readApprovalTimeout(): ApprovalTimeout {
  const c = vscode.workspace.getConfiguration('savepoint.approval');
  return approvalTimeoutFrom(c.get('timeoutMinutes'), c.get('timeoutAction'));
}
