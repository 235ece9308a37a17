import assert from 'node:assert/strict';
import { MemoryContentStore } from '../../../../src/core/capture/memoryContentStore';
import { NodeChangeCapture, type NodeChangeCaptureOptions } from '../../../../src/core/node/nodeChangeCapture';
import { NodeWorkspace } from '../../../../src/core/node/nodeWorkspace';
import type { SessionId } from '../../../../src/core/store/types';
import { type Harness, ScriptedGate, finalText, harness, toolUse } from '../../runner/runnerHarness';

export interface CommandSession {
  h: Harness;
  id: SessionId;
  ws: NodeWorkspace;
  capture: NodeChangeCapture;
}

/**
 * A real runner session of shell commands, one `run_command` per step, with the real change
 * capture. `prepare` runs on the workspace before the capture's baseline (files it writes are
 * there before any step). `keep` gets the session parts as soon as they exist, for afterEach.
 */
export async function commandSession(
  commands: string[],
  o: { prepare?: (workspace: string) => Promise<void>; capture?: NodeChangeCaptureOptions; keep: (parts: { h: Harness; capture?: NodeChangeCapture }) => void },
): Promise<CommandSession> {
  const steps = commands.map((command, i) => toolUse(`c${i + 1}`, 'run_command', { command }, i === 0 ? undefined : { toolResultFor: `c${i}` }));
  steps.push(finalText('done', { toolResultFor: `c${commands.length}` }));
  const h = await harness(steps);
  o.keep({ h });
  await o.prepare?.(h.workspace);
  const capture = new NodeChangeCapture(h.workspace, { contentStore: new MemoryContentStore(), ...o.capture });
  o.keep({ h, capture });
  await capture.start();
  const runner = h.runner(new ScriptedGate(), { capture });
  const id = await h.start(runner);
  const out = await runner.run(id);
  assert.equal(out.status, 'completed', JSON.stringify(out));
  return { h, id, ws: new NodeWorkspace(h.workspace), capture };
}

/**
 * For a `describe` of command sessions: registers the afterEach that disposes each test's capture and
 * closes its harness, and returns the `keep` to give `commandSession`.
 */
export function keptSessions(): (parts: { h: Harness; capture?: NodeChangeCapture }) => void {
  let h: Harness | undefined;
  let capture: NodeChangeCapture | undefined;
  afterEach(async () => {
    await capture?.dispose();
    await h?.close();
    h = undefined;
    capture = undefined;
  });
  return (parts) => ({ h, capture } = parts);
}
