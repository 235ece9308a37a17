/** The `code` of a Node.js system error (ENOENT, EBUSY...), or undefined for anything else. */
export function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
