import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';

/**
 * Processes a command started that left its process group: `setsid`, `nohup setsid`, a program that
 * daemonizes (double fork and a new session). Killing the command's group does not reach them, and
 * they would go on writing in the workspace after the step's changes were recorded. Every command
 * gets a mark of its own in its environment, which its descendants inherit whatever group or session
 * they move to; when the command ends, the processes that carry the mark are found in /proc and
 * killed (Linux; elsewhere the group kill is all there is), and when Savepoint dies, by the command's
 * death guard (`DEATH_GUARD` in nodeProcessRunner). A process that cleans its environment
 * before it execs (`env -i`) is not found.
 */
export const COMMAND_MARK = 'SAVEPOINT_COMMAND_ID';

/** A new command's mark (24 hex digits): no other command's processes carry it. */
export const newMark = (): string => randomBytes(12).toString('hex');

export const canFindStrays = process.platform === 'linux';

/** A stopped process: its pid and its name (`/proc/PID/comm`). */
export interface Stray {
  pid: number;
  name: string;
}

/** Rounds of look-and-kill: a stray may fork between a look and its kill; its child carries the mark too. */
const MAX_ROUNDS = 10;

/**
 * Kills every live process whose environment holds this command's mark, except those of `group`
 * (the command's own process group, killed by the caller: counted as the command's, not as strays).
 * Returns the strays killed, each once; [] where /proc is not there.
 */
export async function stopStrays(mark: string, group: number | undefined): Promise<Stray[]> {
  if (!canFindStrays) return [];
  const stopped = new Map<number, Stray>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = await marked(mark);
    const live = found.filter((p) => p.pid !== process.pid);
    if (live.length === 0) break;
    for (const p of live) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // ESRCH: gone meanwhile.
      }
      if (p.group !== group && !stopped.has(p.pid)) stopped.set(p.pid, { pid: p.pid, name: p.name });
    }
  }
  return [...stopped.values()];
}

/** The processes whose environment holds `COMMAND_MARK=mark`, with their group and name. A zombie's environment reads empty: not listed. */
async function marked(mark: string): Promise<{ pid: number; group: number | undefined; name: string }[]> {
  const entry = Buffer.from(`${COMMAND_MARK}=${mark}\0`);
  let pids: number[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const looks = await Promise.all(
    pids.map(async (pid) => {
      try {
        const env = await readFile(`/proc/${pid}/environ`);
        if (!holds(env, entry)) return undefined;
        const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
        return { pid, ...statFields(stat) };
      } catch {
        // Gone, or not ours to read (another user's): not the command's.
        return undefined;
      }
    }),
  );
  return looks.filter((x) => x !== undefined);
}

/** Whether the NUL-separated environment block holds the entry exactly (at its start or after a NUL). */
function holds(env: Buffer, entry: Buffer): boolean {
  for (let at = env.indexOf(entry); at !== -1; at = env.indexOf(entry, at + 1)) if (at === 0 || env[at - 1] === 0) return true;
  return false;
}

/** The name and process group from `/proc/PID/stat` ("pid (comm) state ppid pgrp ..."; the name may hold spaces and parentheses). */
function statFields(stat: string): { group: number | undefined; name: string } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const name = open !== -1 && close > open ? stat.slice(open + 1, close) : '?';
  const group = Number(stat.slice(close + 2).split(' ')[2]);
  return { group: Number.isInteger(group) ? group : undefined, name };
}
