import { count } from '../util/plural';

/**
 * "2 lines of the check output not understood": the findings may not be all the checker said (the
 * step's record says it too). Apart from the get_diagnostics tool: a session's timeline says it
 * without loading the tool's schema at start-up.
 */
export const notUnderstoodText = (n: number): string => `${count(n, 'line')} of the check output not understood`;
