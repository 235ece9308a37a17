import { createInterface } from 'node:readline/promises';
import type { ApprovalAnswer, ApprovalGate, ApprovalRequest } from '../core/ports/approvalGate';
import { shownInput, shownLines } from '../shared/notificationText';
import { errCode } from '../core/util/errCode';
import { budgetEditFault } from '../core/runner/budgets';
import { terminalText } from './terminalText';

export type ApprovalMode = 'prompt' | 'park' | 'yes';

/**
 * The terminal's approval gate. `prompt` asks on the terminal; `park` leaves the session waiting
 * for a later `savepoint approve`; `yes` approves tool calls (for scripted runs) but still parks
 * what only a person should decide: a command that may have partly run, a conflicting file, and a
 * call only the user may approve (`userOnly`: destructive, an always-ask pattern, outside the
 * workspace, a write over lines the user changed), which not even a timeout approves.
 */
export class CliApprovalGate implements ApprovalGate {
  constructor(
    private readonly mode: ApprovalMode,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  async ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer | 'park'> {
    const auto = this.mode === 'yes' && (request.kind === 'tool' || request.kind === 'loop') && !request.userOnly;
    // The reasons quote the model's paths and commands: shown inert, as the input and the diff are.
    this.out.write(`\n${terminalText(describeRequest(request, auto))}\n`);
    if (auto) return { decision: 'approve' };
    if (this.mode === 'yes' && request.userOnly) this.out.write('--approvals yes does not approve this call: only you can (see the reasons above).\n');
    const park = (): 'park' => {
      // A budget is raised to a chosen value with --edit: nothing said how to write it.
      const edit = request.kind === 'budget' ? ` or --edit '{"maxCostUsd": 5}' to set a limit yourself` : ' or --edit';
      this.out.write(`parked: answer later with \`savepoint approve ${request.sessionId}\` (--reject, --respond${edit}), then \`savepoint resume ${request.sessionId}\`\n`);
      return 'park';
    };
    if (this.mode !== 'prompt' || !process.stdin.isTTY) return park();
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      for (;;) {
        const a = (await rl.question('[a]pprove, [r]eject, re[s]pond, [e]dit input, [p]ark? ', { signal })).trim().toLowerCase();
        if (a === 'a') return { decision: 'approve' };
        if (a === 'p' || a === '') return 'park';
        if (a === 'r') return { decision: 'reject', text: await rl.question('feedback for the agent: ', { signal }) };
        if (a === 's') return { decision: 'respond', text: await rl.question('your reply: ', { signal }) };
        if (a === 'e') {
          const text = await rl.question('new input (JSON): ', { signal });
          let input: unknown;
          try {
            input = JSON.parse(text) as unknown;
          } catch {
            this.out.write('not valid JSON; nothing was changed\n');
            continue;
          }
          const fault = request.kind === 'budget' ? budgetEditFault(input) : undefined;
          if (fault === undefined) return { decision: 'edit', input };
          this.out.write(`${terminalText(fault)}; nothing was changed\n`);
        }
      }
    } catch (e) {
      if (signal.aborted) return 'park';
      // Ctrl+C or Ctrl+D at the prompt (readline's AbortError): no answer, so the question waits, as [p]ark
      // leaves it. It was thrown out of the run as an "unexpected failure" with a stack trace.
      if (errCode(e) === 'ABORT_ERR') {
        this.out.write('\n');
        return park();
      }
      throw e;
    } finally {
      rl.close();
    }
  }
}

/** The terminal's [e]dit asks for a new input without showing the old one. */
const CUT = 'reject it if you need to read all of it';

/** `auto`: --approvals yes answers it (said so: "approval needed" read as if the run waited for the user). */
export function describeRequest(r: ApprovalRequest, auto = false): string {
  const head =
    r.kind === 'tool'
      ? `${auto ? 'approved by --approvals yes' : 'approval needed'}: ${r.tool ?? 'tool'} ${shownInput(JSON.stringify(r.input ?? {}), 2000, CUT)}`
      : r.kind === 'command_rerun'
        ? `the command was interrupted and may have partly run: ${shownInput(JSON.stringify(r.input ?? {}), 2000, CUT)}`
        : r.kind === 'conflict'
          ? `conflict: ${r.tool ?? 'an edit'} cannot be applied as planned`
          : r.kind === 'budget'
            ? 'budget exhausted: continue with a raised budget?'
            : auto
              ? 'loop detected: --approvals yes lets the agent go on'
              : 'loop detected: let the agent go on?';
  // The model's input and the diff of what it wrote, shown whole and inert (see shownInput): what is approved is what runs.
  return [head, ...r.reasons.map((x) => `  - ${x}`), ...(r.diff ? [shownLines(r.diff)] : [])].join('\n');
}
