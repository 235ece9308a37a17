import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/shared/protocolSchema';

describe('webview protocol: inbound messages are validated at the host boundary', () => {
  it('accepts the messages the sidebar sends', () => {
    assert.deepEqual(parseWebviewMessage({ method: 'ready' }), { method: 'ready' });
    assert.deepEqual(parseWebviewMessage({ method: 'command/run', params: { command: 'showLogs' } }), { method: 'command/run', params: { command: 'showLogs' } });
    for (const ok of [
      { method: 'ready', params: {} },
      { method: 'ready', params: { sessionId: '01JABCDEF' } },
      { method: 'session/open', params: { sessionId: '01JABCDEF' } },
      { method: 'session/close' },
      // The page of a long session's entries before the first one shown.
      { method: 'timeline/earlier', params: { sessionId: '01JABCDEF', before: 4001 } },
      { method: 'timeline/step', params: { sessionId: '01JABCDEF', step: 14 } },
      { method: 'timeline/later', params: { sessionId: '01JABCDEF', after: 33 } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: '01JABCDEF', step: 3 } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: '01JABCDEF', step: 3, path: 'src/hello.ts' } },
      { method: 'command/run', params: { command: 'rewindSession', sessionId: '01JABCDEF', step: 0 } },
      // The diff of one call's change of a file (a step may change a file in two calls).
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: '01JABCDEF', step: 3, path: 'src/hello.ts', callId: 'toolu_01AbC-d_9' } },
      { method: 'command/run', params: { command: 'forkSession', sessionId: '01JABCDEF' } },
      // A call's input and result in full (the sidebar shows them cut).
      { method: 'command/run', params: { command: 'showCall', sessionId: '01JABCDEF', callId: 'toolu_01AbC-d_9' } },
    ]) {
      assert.deepEqual(parseWebviewMessage(ok), ok, JSON.stringify(ok));
    }
  });

  it('drops steps and paths where they do not belong, and paths that leave the workspace', () => {
    for (const bad of [
      { method: 'command/run', params: { command: 'cancelSession', sessionId: 'a', step: 2 } },
      { method: 'command/run', params: { command: 'openStepDiff', step: 2 } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: -1 } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1.5 } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: '2' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', path: 'x.ts' } },
      { method: 'command/run', params: { command: 'rewindSession', sessionId: 'a', step: 1, path: 'x.ts' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1, path: '../outside.ts' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1, path: '/etc/passwd' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1, path: 'C:\\x' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1, callId: 'c1' } },
      { method: 'command/run', params: { command: 'rewindSession', sessionId: 'a', step: 1, path: 'x.ts', callId: 'c1' } },
      { method: 'command/run', params: { command: 'openStepDiff', sessionId: 'a', step: 1, path: 'x.ts', callId: 'c 1\n' } },
      { method: 'command/run', params: { command: 'showCall', sessionId: 'a' } },
      { method: 'command/run', params: { command: 'showCall', callId: 'c1' } },
      { method: 'command/run', params: { command: 'showCall', sessionId: 'a', step: 1, callId: 'c1' } },
      { method: 'command/run', params: { command: 'showCall', sessionId: 'a', callId: '../c1' } },
      { method: 'command/run', params: { command: 'resumeSession', sessionId: 'a', callId: 'c1' } },
      { method: 'session/open', params: {} },
      { method: 'timeline/earlier', params: { sessionId: '01JABCDEF', before: -1 } },
      { method: 'timeline/earlier', params: { sessionId: '01JABCDEF', before: 1.5 } },
      { method: 'timeline/earlier', params: { sessionId: 'a/b', before: 3 } },
      { method: 'timeline/earlier', params: { before: 3 } },
      { method: 'timeline/step', params: { sessionId: '01JABCDEF', step: 1.5 } },
      { method: 'timeline/step', params: { sessionId: '01JABCDEF', step: '14' } },
      { method: 'timeline/later', params: { sessionId: '01JABCDEF', after: -2 } },
      { method: 'session/open', params: { sessionId: 'a/b' } },
      { method: 'session/close', params: { sessionId: 'a' } },
      { method: 'ready', params: { sessionId: 'a', more: 1 } },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  // newSession takes its task as its argument: a session id sent with it started a session whose
  // task was that id, without asking. The commands that take no session take no id.
  it('drops a session id sent with a command that takes no session', () => {
    for (const command of ['newSession', 'showLogs', 'showStoreInfo', 'answerApprovals']) {
      assert.equal(parseWebviewMessage({ method: 'command/run', params: { command, sessionId: 'Fix_the_build' } }), undefined, command);
      assert.deepEqual(parseWebviewMessage({ method: 'command/run', params: { command } }), { method: 'command/run', params: { command } });
    }
    for (const command of ['resumeSession', 'pauseSession', 'cancelSession', 'showSession', 'rewindSession', 'forkSession', 'openStepDiff', 'undoRewind', 'showStepSymbols']) {
      assert.ok(parseWebviewMessage({ method: 'command/run', params: { command, sessionId: '01JABCDEF' } }), command);
    }
  });

  it('drops unknown methods, unknown commands, extra fields and non-objects', () => {
    for (const bad of [
      null,
      'ready',
      { method: 'approval/respond' },
      { method: 'command/run', params: { command: 'workbench.action.terminal.new' } },
      { method: 'command/run', params: { command: 'resumeSession', sessionId: '../../x' } },
      { method: 'command/run', params: { command: 'showLogs', args: ['x'] } },
      { method: 'ready', extra: 1 },
      { method: 'command/run' },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
