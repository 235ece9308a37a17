/**
 * A count of tokens said short, as the sidebar and `list` show it: 950, 9.5k, 95k, 950k, 9.5M, 95M.
 * Two or three figures are enough to compare sessions; 8826060 is hard to read at a glance.
 */
export function shortCount(n: number): string {
  if (!Number.isFinite(n) || n < 1000) return String(Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);
  // Rounded first: 999,950 reads "1.0M", not "1000k".
  const [value, unit] = n < 999_500 ? [n / 1000, 'k'] : [n / 1_000_000, 'M'];
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)}${unit}`;
}
