import type { HostMessage, SessionRow, StoreView, WebviewMessage } from '../src/shared/protocol';
import { renderSessions } from './sessionList';
import { vscodeApi } from './vscodeApi';

/** UI state only (style.md): which groups are folded. Sessions are always refetched from the host. */
interface UiState {
  collapsed: string[];
}

const api = vscodeApi<UiState>();
let seq = -1;
let ui: UiState = api.getState() ?? { collapsed: [] };

function send(message: WebviewMessage): void {
  api.postMessage(message);
}

function show(sessions: SessionRow[], store: StoreView): void {
  const root = document.getElementById('root');
  if (!root) return;
  renderSessions(root, sessions, store, new Set(ui.collapsed), (group) => {
    const collapsed = new Set(ui.collapsed);
    if (collapsed.has(group)) collapsed.delete(group);
    else collapsed.add(group);
    ui = { collapsed: [...collapsed] };
    api.setState(ui);
    show(sessions, store);
  }, (command, sessionId) => send({ method: 'command/run', params: { command, ...(sessionId ? { sessionId } : {}) } }));
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  switch (msg.method) {
    case 'bootstrap':
      seq = msg.params.seq;
      show(msg.params.sessions, msg.params.store);
      break;
    case 'sessions/changed':
      if (seq >= 0 && msg.params.seq !== seq + 1) {
        // A gap: something was missed, ask for a fresh snapshot.
        seq = -1;
        send({ method: 'ready' });
        return;
      }
      seq = msg.params.seq;
      show(msg.params.sessions, msg.params.store);
      break;
  }
});

document.getElementById('logs')?.addEventListener('click', () => send({ method: 'command/run', params: { command: 'showLogs' } }));
send({ method: 'ready' });
