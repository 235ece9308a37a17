/**
 * A session's cost as the lists show it: cents, but never "$0.00" for a session that cost
 * something (a short session costs a fraction of a cent, and "$0.00" reads as free or as not
 * counted); a cost not yet known to be above zero stays "$0.00".
 */
export function usd(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return '$0.00';
  if (amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}
