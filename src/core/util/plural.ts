/** "1 file", "2 files": a count with its noun, for messages a user reads. `many` when the plural is not noun + s. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
