import type { CaptureMark, ChangeCapture, FileChangeSet } from '../ports/changeCapture';
import type { ToolOutput } from '../tools/tool';

/**
 * Runs a tool with the change capture around it (given for a tool that may change files outside
 * the file tools: a command). A capture that cannot begin or end (disposed; or, without
 * SerialCapture in front, another session's open) leaves the command unrecorded, said in its
 * result, never silently. A tool that throws closes its capture: an open one would hold back every
 * later command's. `label` names the call (see ChangeCapture.begin: what a crash cut off is found by it).
 */
export async function captured(capture: ChangeCapture | undefined, run: () => Promise<ToolOutput>, label?: string): Promise<{ out: ToolOutput; set?: FileChangeSet }> {
  if (!capture) return { out: await run() };
  const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let mark: CaptureMark;
  try {
    mark = await capture.begin(label);
  } catch (e) {
    return { out: unrecorded(await run(), why(e)) };
  }
  let out: ToolOutput;
  try {
    out = await run();
  } catch (e) {
    await capture.end(mark).catch(() => undefined);
    throw e;
  }
  try {
    return { out, set: await capture.end(mark) };
  } catch (e) {
    return { out: unrecorded(out, why(e)) };
  }
}

const unrecorded = (out: ToolOutput, why: string): ToolOutput => ({ ...out, content: `${out.content}\n[the files this command changed were not recorded: ${why}]` });
