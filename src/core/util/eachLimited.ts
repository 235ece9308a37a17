/**
 * `f` over `items`, at most `limit` at a time, results in order. After a failure no new item
 * starts; the first error is thrown once the running ones have ended (nothing keeps writing after
 * the caller has been told it failed).
 */
export async function eachLimited<T, R>(given: Iterable<T>, limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const items: readonly T[] = Array.isArray(given) ? (given as readonly T[]) : [...given];
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { e: unknown } | undefined;
  const worker = async () => {
    for (let i = next++; i < items.length && !failure; i = next++) {
      try {
        out[i] = await f(items[i] as T);
      } catch (e) {
        failure ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.e;
  return out;
}
