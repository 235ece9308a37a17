import type * as vscode from 'vscode';
import type { RunnerNotice } from '../core/runner/runner';
import { noticeLines } from '../core/runner/logLines';

export { pinnedLine, startedLine } from '../core/runner/logLines';

/**
 * The Savepoint log (a LogOutputChannel, its level set by the user): the lines `noticeLines` makes
 * of a runner notice; with encryption at rest on (`sealed`) they carry nothing the store encrypts.
 * `sealed` is asked only for a checkpoint's lines: the model's notices (streamed text among them,
 * many a second) carry no content and must not read the settings each time.
 */
export function logNotice(log: vscode.LogOutputChannel, e: RunnerNotice, sealed: () => boolean): void {
  for (const l of noticeLines(e, e.type === 'committed' && sealed())) log[l.level](l.text);
}
