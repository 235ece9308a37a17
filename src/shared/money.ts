/**
 * A cost as every view shows it (the sidebar, the CLI, the session document, the timeline, the
 * budget question): dollars to the cent, and a cost under a cent with two significant digits
 * ("$0.0034"), never "$0.00" for one that cost something (a short session costs a fraction of a
 * cent, and "$0.00" reads as free or as not counted). Nothing, or a cost not known, is "$0.00".
 */
export function usd(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return '$0.00';
  if (amount >= 0.01) return `$${amount.toFixed(2)}`;
  const places = Math.min(20, 1 - Math.floor(Math.log10(amount)));
  return `$${amount.toFixed(places).replace(/0+$/, '')}`;
}
