/**
 * Key layout inside the memory space (a sublevel of a checkpoint store's database):
 *
 *   c!<id>                                 current state of an entry (absent once forgotten)
 *   v!<id>!<version:8>                     every version ever written (MemoryVersion), kept for undo
 *   w!<sid>!<seq:10>!<id>!<version:8>      write log by session and journal position (empty value)
 *   k!<sid>!<opKey>                        idempotency key of a write: {id, version}
 *   r!<revertId>                           a revert (MemoryRevert), so that it can be undone
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const K = {
  current: (id: string) => `c!${id}`,
  currentPrefix: 'c!',
  version: (id: string, v: number) => `v!${id}!${pad(v, 8)}`,
  versionPrefix: (id: string) => `v!${id}!`,
  write: (sid: string, seq: number, id: string, v: number) => `w!${sid}!${pad(seq, 10)}!${id}!${pad(v, 8)}`,
  writeFrom: (sid: string, seq: number) => `w!${sid}!${pad(seq, 10)}`,
  writeEnd: (sid: string) => `w!${sid}!\xff`,
  opKey: (sid: string, key: string) => `k!${sid}!${key}`,
  revert: (id: string) => `r!${id}`,
  revertPrefix: 'r!',
};
/** Value of a write-log row: the key says it all. */
export const EMPTY = new Uint8Array(0);
