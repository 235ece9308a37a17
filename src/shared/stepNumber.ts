/**
 * What the user typed in "Go to step" (`14`, `#14`, `step 14`, `1,200`), read against the steps the
 * session has (`steps`: its count; undefined when not known). Either the step, or why not, in words.
 */
export function readStepNumber(typed: string, steps: number | undefined): { step: number } | { error: string } {
  const text = typed.trim();
  const range = steps === undefined ? '' : ` from 1 to ${steps.toLocaleString('en-US')}`;
  if (steps !== undefined && steps < 1) return { error: 'This session has no steps yet.' };
  if (!text) return { error: `Type a step number${range}.` };
  const m = /^(?:step\s*|#)?(\d{1,3}(?:,\d{3})+|\d+)$/i.exec(text);
  const step = m ? Number(m[1]!.replaceAll(',', '')) : NaN;
  if (!Number.isSafeInteger(step)) return { error: `"${text.length > 20 ? `${text.slice(0, 20)}…` : text}" is not a step number: type a number${range}.` };
  if (step < 1 || (steps !== undefined && step > steps)) return { error: `There is no step ${step}: this session has steps${range || ' from 1'}.` };
  return { step };
}
