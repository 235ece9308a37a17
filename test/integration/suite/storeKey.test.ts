import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StoreHost } from '../../../src/extension/storeHost';
import { contextIn } from '../sidebarFakes';

/**
 * savepoint.store.encryptAtRest as VS Code reads it, with the store's key in the context's secret
 * storage: what the window says when the key is not the store's, or the setting is off again.
 */
describe('Encryption at rest in the editor: the store key', () => {
  let log: vscode.LogOutputChannel;
  let dir: string;
  const hosts: StoreHost[] = [];
  const settings = () => vscode.workspace.getConfiguration('savepoint');
  const host = (context: vscode.ExtensionContext) => {
    const h = new StoreHost(context, log);
    hosts.push(h);
    return h;
  };

  before(async () => {
    log = vscode.window.createOutputChannel('Savepoint integration (store key)', { log: true });
    dir = mkdtempSync(join(tmpdir(), 'savepoint-integ-store-key-'));
    await settings().update('store.encryptAtRest', true, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await settings().update('store.encryptAtRest', undefined, vscode.ConfigurationTarget.Global);
    for (const h of hosts) await h.dispose();
    log?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a replaced key: the store is not opened, and the window says the key is not the store\'s (not "turn encryptAtRest on"); off again: it says to turn it on', async () => {
    const context = contextIn(dir);
    const first = host(context);
    const { store } = await first.get();
    assert.ok(store, 'the encrypted store opens with the key it made');
    await store.createSession({ title: 'encrypted' });
    await first.dispose();
    const saved = await context.secrets.get('savepoint.storeEncryptionKey');
    assert.ok(saved);
    await context.secrets.store('savepoint.storeEncryptionKey', Buffer.alloc(32, 7).toString('base64'));
    const replaced = await host(context).get();
    assert.equal(replaced.store, undefined);
    assert.match(replaced.error ?? '', /does not open with the encryption key in this machine's secret storage/);
    assert.doesNotMatch(replaced.error ?? '', /turn savepoint\.store\.encryptAtRest on/);
    await context.secrets.store('savepoint.storeEncryptionKey', saved);
    await settings().update('store.encryptAtRest', undefined, vscode.ConfigurationTarget.Global);
    const off = await host(context).get();
    assert.equal(off.store, undefined);
    assert.match(off.error ?? '', /savepoint\.store\.encryptAtRest is off: turn it on/);
    await settings().update('store.encryptAtRest', true, vscode.ConfigurationTarget.Global);
    const back = host(context);
    assert.deepEqual((await back.listSessions()).map((s) => s.title), ['encrypted'], 'with the key back, nothing was lost');
  });
});
