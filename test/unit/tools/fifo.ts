import { spawnSync } from 'node:child_process';

/** Makes a named pipe with the system's mkfifo; false where there is none. */
export async function mkfifo(p: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  return spawnSync('mkfifo', [p]).status === 0;
}
