import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/shared/protocolSchema';

describe('webview protocol: inbound messages are validated at the host boundary', () => {
  it('accepts the messages the sidebar sends', () => {
    assert.deepEqual(parseWebviewMessage({ method: 'ready' }), { method: 'ready' });
    assert.deepEqual(parseWebviewMessage({ method: 'command/run', params: { command: 'showLogs' } }), { method: 'command/run', params: { command: 'showLogs' } });
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
