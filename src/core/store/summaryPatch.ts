import type { SessionSummary, SummaryPatch } from './types';

/** The fields of a patch that a commit or an update may change in a session's index row (copies, never the caller's objects). */
export function pickPatch(patch: SummaryPatch | undefined): Omit<SummaryPatch, 'queued'> & Pick<SessionSummary, 'queued'> {
  if (!patch) return {};
  const out: Omit<SummaryPatch, 'queued'> & Pick<SessionSummary, 'queued'> = {};
  if (patch.title !== undefined) out.title = patch.title;
  if (patch.status !== undefined) out.status = patch.status;
  if (patch.stepCount !== undefined) out.stepCount = patch.stepCount;
  if (patch.tokens !== undefined) out.tokens = { ...patch.tokens };
  if (patch.costUsd !== undefined) out.costUsd = patch.costUsd;
  if (patch.pendingApproval !== undefined) out.pendingApproval = patch.pendingApproval;
  if (patch.pinned !== undefined) out.pinned = patch.pinned;
  // An empty list leaves the field out of the row.
  if (patch.unsettled !== undefined) out.unsettled = patch.unsettled.length ? [...patch.unsettled] : undefined;
  // Null: no command waits now (the field leaves the row).
  if (patch.queued !== undefined) out.queued = patch.queued === null ? undefined : { ...patch.queued };
  return out;
}
