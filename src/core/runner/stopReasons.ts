/**
 * Why a run stops when its user stopped it: a pause in the editor, Ctrl+C or SIGTERM in the CLI
 * (the abort reasons the editor and the CLI give). A session stopped so at a question is `held`
 * (`PendingApprovalSummary.held`): no approval timeout answers it until the user resumes it. A
 * stop for another reason (the editor closing) leaves the question to the timeout, as before.
 */
export const PAUSED_BY_USER = 'paused by the user';
export const CTRL_C = 'interrupted by the user (Ctrl+C); resume with `savepoint resume`';
export const SIGTERM_STOP = 'stopped by SIGTERM; resume with `savepoint resume`';

const USER_STOPS: readonly string[] = [PAUSED_BY_USER, CTRL_C, SIGTERM_STOP];

export const isUserStop = (reason: unknown): reason is string => typeof reason === 'string' && USER_STOPS.includes(reason);
