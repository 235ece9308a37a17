import { text } from 'node:stream/consumers';
import { UsageError } from './cliArgs';

/**
 * The task of `savepoint run`: its words, or with `run -` what standard input holds to its end (a
 * task of several lines, from a file). Throws UsageError when there is none.
 */
export async function taskOf(rest: readonly string[], say: (line: string) => void): Promise<string> {
  const fromInput = rest.length === 1 && rest[0] === '-';
  if (fromInput && process.stdin.isTTY) say('savepoint: type the task, then Ctrl+D on a line of its own\n');
  const task = (fromInput ? await text(process.stdin) : rest.join(' ')).trim();
  if (!task) throw new UsageError(fromInput ? 'run - read no task from standard input (nothing was done)' : 'run needs a task: savepoint run "what to do"');
  return task;
}
