import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SessionsViewProvider } from '../../src/extension/sessionsViewProvider';
import type { HostMessage } from '../../src/shared/protocol';
import { encodeMessage, hashMessage } from '../../src/core/runner/sessionJournal';
import type { CheckpointStore } from '../../src/core/store/checkpointStore';
import type { NewEvent, SessionId } from '../../src/core/store/types';
import { StoreHost } from '../../src/extension/storeHost';
import { waitFor } from './helpers';

// What the sidebar suites give the provider under test instead of the extension's own: a context
// with its own storage, a view around a real (or recording) webview, and journaled steps.

/** A context with its own storage folders: the provider under test gets a store of its own. */
export function contextIn(dir: string): vscode.ExtensionContext {
  const secrets = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  return {
    storageUri: vscode.Uri.file(join(dir, 'workspace-storage')),
    globalStorageUri: vscode.Uri.file(join(dir, 'global-storage')),
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
      onDidChange: changed.event,
    },
  } as unknown as vscode.ExtensionContext;
}

/** A WebviewView around a webview: the real one of a panel, or a recording fake. */
export function viewOf(webview: vscode.Webview, onDidDispose: vscode.Event<void>): vscode.WebviewView {
  return { webview, onDidDispose, visible: true, viewType: SessionsViewProvider.viewId, onDidChangeVisibility: new vscode.EventEmitter<void>().event, show: () => undefined } as unknown as vscode.WebviewView;
}

/** Records what the provider posts, and forwards it to `target` when there is one. */
export function recording(target: vscode.Webview | undefined, posted: HostMessage[]): { webview: vscode.Webview; send: (m: unknown) => void } {
  const inbound = new vscode.EventEmitter<unknown>();
  const fake: Record<string, unknown> = { options: {}, html: '', cspSource: 'vscode-webview:', asWebviewUri: (u: vscode.Uri) => u, onDidReceiveMessage: inbound.event };
  const webview = new Proxy((target ?? fake) as unknown as Record<string | symbol, unknown>, {
    get(t, p) {
      if (p === 'postMessage')
        return async (m: HostMessage) => {
          posted.push(m);
          return target ? target.postMessage(m) : true;
        };
      const v = t[p];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
    set(t, p, v) {
      t[p] = v;
      return true;
    },
  }) as unknown as vscode.Webview;
  return { webview, send: (m) => inbound.fire(m) };
}

export const said = { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Reading it.' }] };
const usage = { input: 10, output: 2, cacheRead: 0, cacheWrite: 0 };

/** One step that reads a file: its turn, the call, the result, the results sent back (two entries). */
export function readStep(step: number): NewEvent[] {
  const callId = `r${step}`;
  return [
    { step, type: 'model_turn', data: { turn: step, message: hashMessage(said), calls: [{ id: callId, name: 'read_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm1', attempts: 1, retries: [] } },
    { step, type: 'tool_planned', data: { callId, name: 'read_file', category: 'read', input: { path: `f${step}.ts` } } },
    { step, type: 'tool_started', data: { callId } },
    { step, type: 'tool_result', data: { callId, name: 'read_file', key: `k${step}`, isError: false, content: `contents of f${step}.ts`, progressed: true } },
    { step, type: 'message_added', data: { role: 'user', message: hashMessage(said), reason: 'tool_results' } },
  ];
}

/** Journals `steps` reading steps (two entries each) after `head` (0: a new session, with its start); returns the new head. */
export async function commitSteps(store: CheckpointStore, id: SessionId, head: number, from: number, steps: number, task = 'A session'): Promise<number> {
  const first: NewEvent = { step: 0, type: 'session_started', data: { task, system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: hashMessage(said) } };
  for (let at = from; at < from + steps; at += 100) {
    const events = [...(head === 0 ? [first] : []), ...Array.from({ length: Math.min(100, from + steps - at) }, (_, i) => readStep(at + i)).flat()];
    head = (await store.commit({ sessionId: id, expectedHeadSeq: head, events, blobs: head === 0 ? [{ content: encodeMessage(said) }] : [], snapshot: () => ({}) })).headSeq;
  }
  return head;
}

/** The real sidebar page in an editor tab named `name`, driven by `provider` (what it posts is recorded), once the page has its bootstrap. */
export async function sidebarPanel(provider: SessionsViewProvider, name: string, panels: vscode.WebviewPanel[]): Promise<{ panel: vscode.WebviewPanel; posted: HostMessage[] }> {
  const panel = vscode.window.createWebviewPanel('savepoint.integrationSidebar', name, vscode.ViewColumn.One, { enableScripts: true });
  panels.push(panel);
  const posted: HostMessage[] = [];
  provider.resolveWebviewView(viewOf(recording(panel.webview, posted).webview, panel.onDidDispose));
  await waitFor('the bootstrap', () => posted.find((m) => m.method === 'bootstrap'), 60000);
  return { panel, posted };
}

/** A sidebar suite's teardown: its pages, provider, store host, log and folder. */
export async function closeSidebar(s: { panels: vscode.WebviewPanel[]; provider?: SessionsViewProvider; host?: StoreHost; log?: vscode.LogOutputChannel; dir?: string }): Promise<void> {
  for (const p of s.panels) p.dispose();
  s.provider?.dispose();
  await s.host?.dispose();
  s.log?.dispose();
  if (s.dir) rmSync(s.dir, { recursive: true, force: true });
}

/**
 * A sidebar suite's own folder, log, store host and provider (whose run-alive answer is `live`; none:
 * no run alive), with the store opened.
 */
export async function sidebarSetup(ext: vscode.Extension<unknown>, name: string, live?: ReadonlySet<string>): Promise<{ dir: string; log: vscode.LogOutputChannel; host: StoreHost; provider: SessionsViewProvider; store: CheckpointStore }> {
  const dir = mkdtempSync(join(tmpdir(), `savepoint-integ-${name.replace(/ /g, '-')}-`));
  const log = vscode.window.createOutputChannel(`Savepoint integration (${name})`, { log: true });
  const host = new StoreHost(contextIn(dir), log);
  const provider = new SessionsViewProvider(ext.extensionUri, host, log, undefined, live ? (id) => live.has(id) : undefined);
  const store = (await host.get()).store;
  if (!store) throw new Error(`the ${name} suite's store did not open`);
  return { dir, log, host, provider, store };
}
