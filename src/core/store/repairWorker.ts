import { ClassicLevel } from 'classic-level';

/**
 * LevelDB's repair, in a process of its own (see `repairInChild`): on some damage (bytes flipped
 * inside a table's keys) LevelDB's repairer trips an assertion and aborts the whole process.
 *   node repairWorker.js DIR
 * Exit 0: repaired. Exit 1: LevelDB refused, its message on stderr.
 */
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: repairWorker.js DIR\n');
  process.exit(2);
}
ClassicLevel.repair(dir).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
