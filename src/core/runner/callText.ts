import type { CheckpointStore } from '../store/checkpointStore';
import type { BlobHash, SessionId } from '../store/types';
import type { ToolPlannedData, ToolResultData } from './runEvents';

/** The whole output shown at most (a command's kept output is about 10 MB). */
export const CALL_OUTPUT_SHOWN_BYTES = 16 * 1024 * 1024;

const decoder = new TextDecoder();

/**
 * One tool call of a session in full, for a read-only editor: its input, the result the model got,
 * and the whole output kept when that result was cut. The sidebar and the session document show
 * them cut (the timeline of a long session would otherwise hold every output). Undefined when the
 * session has no such call.
 */
export async function callText(store: CheckpointStore, id: SessionId, callId: string, shownBytes = CALL_OUTPUT_SHOWN_BYTES): Promise<string | undefined> {
  let planned: ToolPlannedData | undefined;
  let result: ToolResultData | undefined;
  let step = 0;
  for await (const e of store.readEvents(id)) {
    const d = e.data as { callId?: unknown } | null;
    if (!d || d.callId !== callId) continue;
    // The last plan is the one that ran (an edited input is planned again); a call can be answered without one.
    if (e.type === 'tool_planned') planned = e.data as ToolPlannedData;
    else if (e.type === 'tool_result') result = e.data as ToolResultData;
    else continue;
    step = e.step;
  }
  if (!planned && !result) return undefined;
  const name = planned?.name ?? result?.name ?? 'tool';
  const lines = [`${name} call ${callId} at step ${step} of session ${id}`, ''];
  lines.push('Input:', planned ? (JSON.stringify(planned.input, null, 2) ?? String(planned.input)) : '(not recorded: the call never got as far as its plan)', '');
  if (!result) return [...lines, 'No result yet: the call has not finished.', ''].join('\n');
  lines.push(result.isError ? 'Result (an error), as the model got it:' : 'Result, as the model got it:', result.content, '');
  if (result.outputBlob) lines.push(...(await wholeOutput(store, result.outputBlob as BlobHash, shownBytes)));
  return lines.join('\n');
}

async function wholeOutput(store: CheckpointStore, hash: BlobHash, shownBytes: number): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.getBlob(hash);
  } catch {
    return ['The whole output is no longer at hand (its record is missing or damaged).', ''];
  }
  const cut = bytes.length > shownBytes;
  const head = `The whole output (${bytes.length.toLocaleString('en-US')} bytes${cut ? `; its first ${shownBytes.toLocaleString('en-US')} are shown` : ''}), which the result above was cut from:`;
  return [head, decoder.decode(cut ? bytes.subarray(0, shownBytes) : bytes), ''];
}
