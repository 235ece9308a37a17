import type { CheckpointStore } from '../store/checkpointStore';
import type { FileChange } from '../tools/tool';
import { hashOrNull, unifiedDiff } from './fileChanges';
import { type ApprovalDecidedData, type ApprovalRequestedData, type RunnerEvent, approvalKind, question } from './runEvents';
import type { CallState } from './runState';
import type { SessionJournal } from './sessionJournal';

/**
 * A conflict question asks the user whether the session's version may replace a file that changed
 * outside it. The user answers about the diff they were shown, so the question keeps the disk
 * version of each file that diff was made from, and an approval writes over those versions only.
 */

/** Disk versions the user agreed to write over, by path (hash; null: the file was absent). */
export type ApprovedDisk = ReadonlyMap<string, string | null>;

export const NOTHING_APPROVED: ApprovedDisk = new Map();

/** A file a conflict question is about: the disk now and what approving it writes. */
export type ShownChange = Pick<FileChange, 'path' | 'before' | 'after'>;

/** The conflict question for `call` (its id made from the seq it is journaled at, as every approval's). */
export function conflictQuestion(j: SessionJournal, call: CallState, reasons: string[], shown: readonly ShownChange[], requestedAt: number): RunnerEvent {
  const diff = shown.length > 0 ? unifiedDiff([...shown]) : undefined;
  return question(j.headSeq + 1, {
    kind: 'conflict',
    callId: call.id,
    name: call.name,
    input: call.planned?.input,
    reasons,
    requestedAt,
    ...(diff ? { diff } : {}),
    shownDisk: shown.map((c) => ({ path: c.path, hash: hashOrNull(c.before) })),
  });
}

/**
 * The disk versions `decision` lets the session write over: those its conflict question showed,
 * when it approves one; none otherwise. The question is read back from the journal (the run state
 * drops a question once it is decided), so this holds across restarts. A question journaled before
 * the versions were kept approves none: what its diff was made from is unknown, and asking once
 * more costs a click where writing over an edit the user never saw costs their work.
 */
export async function approvedDisk(store: CheckpointStore, j: SessionJournal, decision: ApprovalDecidedData | undefined, accept: readonly string[]): Promise<ApprovedDisk> {
  if (!decision || approvalKind(decision.approvalId) !== 'conflict' || !accept.includes(decision.decision)) return NOTHING_APPROVED;
  // Newest first: the question is a few events before the head.
  for await (const e of store.readEvents(j.id, { reverse: true })) {
    if (e.type !== 'approval_requested') continue;
    const asked = e.data as ApprovalRequestedData;
    if (asked.approvalId === decision.approvalId) return new Map((asked.shownDisk ?? []).map((s) => [s.path, s.hash]));
  }
  return NOTHING_APPROVED;
}

/** Whether the user approved writing over `path` as it is on disk now (`now`: its hash, null when absent). */
export const approvedAt = (approved: ApprovedDisk, path: string, now: string | null): boolean => approved.has(path) && approved.get(path) === now;
