import type { RunnerEvent, ToolResultData } from '../../../src/core/runner/runEvents';

/** A real checker (as `node check.cjs`): each line of a .ts file at the top of the workspace that holds `BAD` is an error, in the gcc format. */
export const BAD_LINE_CHECKER = `
const fs = require('fs');
let bad = 0;
for (const f of fs.readdirSync('.').filter((f) => f.endsWith('.ts')).sort()) {
  fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
    if (l.includes('BAD')) { bad++; console.log(f + ':' + (i + 1) + ':1: error: bad line ' + l.trim()); }
  });
}
process.exit(bad ? 1 : 0);
`;

/** The results of a session's tool calls, in journal order. */
export const toolResults = (events: RunnerEvent[]): ToolResultData[] => events.flatMap((e) => (e.type === 'tool_result' ? [e.data as ToolResultData] : []));
