import assert from 'node:assert/strict';
import { ToolInputRepair } from '../../../src/core/model/toolInputRepair';

describe('ToolInputRepair', () => {
  const raw = String.raw`{"old_text": "use App\Http;\n", "re": "\d+\\\"", "tab": "a	b", "u": "\u00e9"}`;
  const meant = { old_text: 'use App\\Http;\n', re: '\\d+\\"', tab: 'a\tb', u: 'é' };

  it('repairs the input however the deltas split it (an escape across two deltas included)', () => {
    for (let at = 0; at <= raw.length; at++) {
      const r = new ToolInputRepair();
      const json = r.fix(0, raw.slice(0, at)) + r.fix(0, raw.slice(at));
      assert.deepEqual(JSON.parse(json), meant, `split at ${at}`);
    }
  });

  it('leaves valid JSON as it is, and keeps each block its own state', () => {
    const valid = JSON.stringify({ a: 'x\\y "q" \n', b: [1, { c: null }] });
    const r = new ToolInputRepair();
    assert.equal(r.fix(1, valid.slice(0, 7)), valid.slice(0, 7));
    assert.equal(r.fix(2, String.raw`{"p": "C:\U`), String.raw`{"p": "C:\\U`);
    assert.equal(r.fix(1, valid.slice(7)), valid.slice(7));
  });

  it('takes a backslash before a u that starts no \\uXXXX escape (C:\\users, namespace App\\utils) as the backslash, however the deltas split it', () => {
    const win = String.raw`{"path": "C:\users\me\u00e9\unit.txt", "ns": "App\utils\u", "ok": "\u00E9\uabcd"}`;
    const meant2 = { path: 'C:\\users\\meé\\unit.txt', ns: 'App\\utils\\u', ok: 'é\uabcd' };
    for (let at = 0; at <= win.length; at++) {
      const r = new ToolInputRepair();
      const json = r.fix(0, win.slice(0, at)) + r.fix(0, win.slice(at));
      assert.deepEqual(JSON.parse(json), meant2, `split at ${at}`);
    }
  });
});
