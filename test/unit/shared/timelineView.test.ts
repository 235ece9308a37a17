import assert from 'node:assert/strict';
import { applyEvents, blobsNeeded, emptyTimeline, type TimelineLookups } from '../../../src/core/runner/timelineView';
import { countLines, messageTextOf, TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import { encodeMessage, hashBytes, hashMessage } from '../../../src/core/runner/sessionJournal';
import { openMemoryStore } from '../../../src/core/store/openStore';
import type { JournalEvent } from '../../../src/core/store/types';
import { sortEntries, type TimelineEntry } from '../../../src/shared/timeline';

let seq = 0;
const ev = (step: number, type: string, data: unknown, at = 1_000 + seq * 1000): JournalEvent => ({ seq: ++seq, at, step, type, data });
const none: TimelineLookups = { messageText: () => undefined, lineStats: () => undefined };
const byKind = <K extends TimelineEntry['kind']>(entries: TimelineEntry[], kind: K) => entries.filter((e): e is Extract<TimelineEntry, { kind: K }> => e.kind === kind);
const usage = { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 };

/** A session: task, a turn that edits a file after an approval, a command with a side effect, a drift note, the end. */
function journal(): JournalEvent[] {
  seq = 0;
  return [
    ev(0, 'session_started', { task: 'Change hello to 2', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: 'h0' }),
    ev(1, 'model_turn', { turn: 1, message: 'msg1', calls: [{ id: 'c1', name: 'edit_file' }, { id: 'c2', name: 'run_command' }], stopReason: 'tool_use', usage, costUsd: 0.0012, model: 'm1', attempts: 2, retries: [{ model: 'm1', attempt: 1, delayMs: 500, code: 'OVERLOADED', reason: '529' }] }),
    ev(1, 'tool_planned', { callId: 'c1', name: 'edit_file', category: 'mutate', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } }),
    ev(1, 'approval_requested', { approvalId: 'tool:c1:4', kind: 'tool', callId: 'c1', name: 'edit_file', input: {}, reasons: ['mutate tools ask'], requestedAt: 4_000 }),
    ev(1, 'approval_decided', { approvalId: 'tool:c1:4', decision: 'approve' }, 16_000),
    ev(1, 'tool_started', { callId: 'c1', mutations: [{ path: 'hello.ts', beforeHash: 'b1', afterHash: 'a1' }] }),
    ev(1, 'tool_result', { callId: 'c1', name: 'edit_file', key: 'k', isError: false, content: 'edited hello.ts', progressed: true, symbols: ['changed constant `hello` in hello.ts'] }),
    ev(1, 'tool_planned', { callId: 'c2', name: 'run_command', category: 'mutate', input: { command: 'npm run gen' } }),
    ev(1, 'tool_started', { callId: 'c2' }),
    ev(1, 'tool_result', { callId: 'c2', name: 'run_command', key: 'k2', isError: false, content: 'x'.repeat(20_000), progressed: true, sideEffects: [{ path: 'gen.ts', kind: 'created', beforeHash: null, afterHash: 'g1' }, { path: 'logo.png', kind: 'modified', beforeHash: 'p0', afterHash: 'p1', binary: true }] }),
    ev(1, 'message_added', { role: 'user', message: 'tr1', reason: 'tool_results' }),
    ev(2, 'message_added', { role: 'user', message: 'drift1', reason: 'drift' }),
    ev(2, 'status', { status: 'completed' }),
  ];
}

describe('sidebar timeline view model (journal events -> entries)', () => {
  it('turns a journal into ordered entries: task, turn with retries, tool calls with files and symbols, approval with its wait, drift, status', () => {
    const state = emptyTimeline();
    const look: TimelineLookups = {
      messageText: (h) => ({ msg1: 'I will bump the constant.', drift1: 'hello.ts changed on disk' })[h],
      lineStats: (b, a) => (b === 'b1' && a === 'a1' ? { added: 1, removed: 1 } : b === null && a === 'g1' ? { added: 12, removed: 0 } : undefined),
    };
    applyEvents(state, journal(), look);
    const entries = sortEntries(state.entries.values());
    assert.deepEqual(entries.map((e) => e.kind), ['start', 'model', 'tool', 'approval', 'tool', 'note', 'note']);
    const [model] = byKind(entries, 'model');
    assert.equal(model?.text.text, 'I will bump the constant.');
    assert.deepEqual(model?.calls, ['edit_file', 'run_command']);
    assert.equal(model?.retries[0]?.code, 'OVERLOADED');
    const [edit, cmd] = byKind(entries, 'tool');
    assert.equal(edit?.state, 'done');
    assert.deepEqual(edit?.files, [{ path: 'hello.ts', kind: 'modified', added: 1, removed: 1 }]);
    assert.deepEqual(edit?.symbols, ['changed constant `hello` in hello.ts']);
    assert.match(edit?.input.text ?? '', /"path": "hello.ts"/);
    assert.deepEqual(cmd?.files, [{ path: 'gen.ts', kind: 'created', added: 12, removed: 0 }, { path: 'logo.png', kind: 'modified', added: null, removed: null, hashOnly: 'binary' }]);
    assert.equal(cmd?.result?.full, 20_000, 'the result knows its full length');
    assert.equal(cmd?.result?.text.length, 8000, 'but is cut for the wire');
    const [approval] = byKind(entries, 'approval');
    assert.equal(approval?.decision, 'approve');
    assert.equal((approval?.decidedAt ?? 0) - (approval?.requestedAt ?? 0), 12_000, 'the wait: requestedAt to the decision');
    const notes = byKind(entries, 'note');
    assert.equal(notes[0]?.tone, 'warning');
    assert.match(notes[0]?.text ?? '', /hello.ts changed on disk/);
    assert.equal(notes[1]?.tone, 'success');
  });

  it('folds incrementally: a later batch returns only the entries it changed, and old events are ignored', () => {
    const all = journal();
    const state = emptyTimeline();
    applyEvents(state, all.slice(0, 3), none);
    const asked = applyEvents(state, all.slice(3, 4), none);
    assert.deepEqual([...asked].sort(), ['approval:tool:c1:4', 'tool:c1'], 'the call the approval is about changes too (it waits)');
    const pending = state.entries.get('approval:tool:c1:4');
    assert.ok(pending?.kind === 'approval' && pending.decision === null);
    assert.equal(state.entries.get('tool:c1')?.kind === 'tool' && (state.entries.get('tool:c1') as { state: string }).state, 'waiting');
    const changed = applyEvents(state, all.slice(2, 7), none);
    assert.deepEqual([...changed].sort(), ['approval:tool:c1:4', 'tool:c1']);
    assert.equal(state.lastSeq, 7);
  });

  it('a failed or skipped call lists no planned files; a rejected approval keeps its text', () => {
    seq = 0;
    const state = emptyTimeline();
    applyEvents(state, [
      ev(1, 'tool_planned', { callId: 'c9', name: 'write_file', category: 'mutate', input: { path: 'x.ts' } }),
      ev(1, 'approval_requested', { approvalId: 'tool:c9:2', kind: 'tool', callId: 'c9', name: 'write_file', reasons: [], requestedAt: 0 }),
      ev(1, 'approval_decided', { approvalId: 'tool:c9:2', decision: 'reject', text: 'No answer within 5 minutes: rejected automatically.' }),
      ev(1, 'tool_started', { callId: 'c9', mutations: [{ path: 'x.ts', beforeHash: null, afterHash: 'z' }] }),
      ev(1, 'tool_result', { callId: 'c9', name: 'write_file', key: 'k', isError: true, content: 'failed', progressed: false }),
    ], none);
    const tool = state.entries.get('tool:c9');
    assert.ok(tool?.kind === 'tool');
    assert.equal(tool.state, 'error');
    assert.deepEqual(tool.files, []);
    const a = state.entries.get('approval:tool:c9:2');
    assert.ok(a?.kind === 'approval');
    assert.match(a.text ?? '', /rejected automatically/);
  });

  it('shows diagnostics when a result carries them, and notes for rewinds and unknown events', () => {
    seq = 0;
    const state = emptyTimeline();
    applyEvents(state, [
      ev(1, 'tool_result', { callId: 'c1', name: 'edit_file', key: 'k', isError: false, content: 'ok', progressed: true, diagnostics: { errors: 2, warnings: 1, delta: { errors: 1, warnings: 0 }, introduced: [{ path: 'a.ts', line: 3, column: 1, severity: 'error', message: 'Type error' }], introducedCount: 1, resolvedCount: 0, blob: 'h' } }),
      ev(2, 'rewind', { rewindId: 'r', targetStep: 1, mode: 'files', files: [{ path: 'a.ts', fromHash: 'x', toHash: 'y' }], skipped: [], at: 0 }),
      ev(2, 'something_new', {}),
    ], none);
    const tool = state.entries.get('tool:c1');
    assert.ok(tool?.kind === 'tool');
    assert.deepEqual(tool.diagnostics, { errors: 2, warnings: 1, deltaErrors: 1, deltaWarnings: 0, introduced: ['a.ts:3 error: Type error'], introducedCount: 1, resolvedCount: 0, unavailable: null, unchecked: [], notUnderstood: null });
    const notes = sortEntries(state.entries.values()).filter((e) => e.kind === 'note').map((e) => (e.kind === 'note' ? e.text : ''));
    assert.deepEqual(notes, ['Rewound 1 file to step 1', 'something_new']);
    const rewindNote = () => sortEntries(state.entries.values()).find((e) => e.kind === 'note' && e.text.startsWith('Rewound'));
    const r = rewindNote();
    assert.ok(r?.kind === 'note');
    assert.deepEqual(r.rewind, { seq: 2, id: 'r', undone: false }, 'a rewind of files offers its undo, named by its seq');
    // An undo that left a file alone (edited since) leaves the offer: a later undo gives that file back.
    applyEvents(state, [ev(3, 'rewind_undone', { rewindId: 'r', files: [], skipped: ['a.ts'], at: 1 })], none);
    assert.deepEqual((rewindNote() as { rewind?: unknown }).rewind, { seq: 2, id: 'r', undone: false });
    // One with renames to do whose settlement never came (a crash), or says a file was left at the last moment: the offer stands.
    applyEvents(state, [ev(4, 'rewind_undone', { rewindId: 'r', part: 2, files: [{ path: 'a.ts', fromHash: 'y', toHash: 'x' }], skipped: [], tag: 't2', at: 1 })], none);
    assert.deepEqual((rewindNote() as { rewind?: unknown }).rewind, { seq: 2, id: 'r', undone: false }, 'no settlement yet');
    applyEvents(state, [ev(5, 'rewind_settled', { rewindId: 'r', undo: true, part: 2, notWritten: ['a.ts'] })], none);
    assert.deepEqual((rewindNote() as { rewind?: unknown }).rewind, { seq: 2, id: 'r', undone: false }, 'a.ts was not written');
    applyEvents(state, [ev(6, 'rewind_undone', { rewindId: 'r', part: 3, files: [{ path: 'a.ts', fromHash: 'y', toHash: 'x' }], skipped: [], tag: 't3', at: 1 })], none);
    // The undo that gives back the rest takes the offer back once settled (the rewind's entry changes too, so the sidebar re-renders it).
    const changed = applyEvents(state, [ev(7, 'rewind_settled', { rewindId: 'r', undo: true, part: 3, notWritten: [] })], none);
    const after = rewindNote();
    assert.ok(after?.kind === 'note');
    assert.deepEqual(after.rewind, { seq: 2, id: 'r', undone: true });
    assert.ok(changed.has(after.id), JSON.stringify([...changed]));
  });

  it('says which blobs to preload: message texts (not tool results) and text changes (not binaries)', () => {
    const need = blobsNeeded(journal());
    assert.deepEqual(need.messages, ['msg1', 'drift1']);
    assert.deepEqual(need.changes, [{ before: 'b1', after: 'a1' }, { before: null, after: 'g1' }]);
  });

  it('counts lines like a diff stat and reads the text of a stored message', () => {
    assert.deepEqual(countLines('a\nb\nc\n', 'a\nB\nc\nd\n'), { added: 2, removed: 1 });
    assert.deepEqual(countLines('', 'x\ny\n'), { added: 2, removed: 0 });
    assert.equal(messageTextOf({ role: 'assistant', content: [{ type: 'text', text: 'one' }, { type: 'tool_use', id: 't', name: 'n', input: {} }, { type: 'text', text: 'two' }] }), 'one\n\ntwo');
    assert.equal(messageTextOf({ role: 'user', content: 'plain' }), 'plain');
  });

  it('the loader reads a real store: message text and line counts from blobs, then only what is new', async () => {
    const store = await openMemoryStore();
    try {
      const s = await store.createSession({ title: 't' });
      const message = { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'Bumping it.' }] };
      const before = new TextEncoder().encode('export const hello = 1;\n');
      const after = new TextEncoder().encode('export const hello = 2;\n// note\n');
      await store.commit({
        sessionId: s.id,
        expectedHeadSeq: 0,
        blobs: [{ content: encodeMessage(message) }, { content: before }, { content: after }],
        events: [
          { step: 1, type: 'model_turn', data: { turn: 1, message: hashMessage(message), calls: [{ id: 'c1', name: 'edit_file' }], stopReason: 'tool_use', usage, costUsd: 0, model: 'm', attempts: 1, retries: [] } },
          { step: 1, type: 'tool_planned', data: { callId: 'c1', name: 'edit_file', category: 'mutate', input: { path: 'hello.ts' } } },
          { step: 1, type: 'tool_started', data: { callId: 'c1', mutations: [{ path: 'hello.ts', beforeHash: hashBytes(before), afterHash: hashBytes(after) }] } },
        ],
      });
      const loader = new TimelineViewLoader(store, s.id);
      const first = await loader.catchUp();
      assert.equal(first.size, 2);
      const turn = [...loader.state.entries.values()].find((e) => e.kind === 'model');
      assert.equal(turn?.kind === 'model' && turn.text.text, 'Bumping it.');
      await store.commit({ sessionId: s.id, expectedHeadSeq: 3, events: [{ step: 1, type: 'tool_result', data: { callId: 'c1', name: 'edit_file', key: 'k', isError: false, content: 'ok', progressed: true } }] });
      const second = await loader.catchUp();
      assert.deepEqual([...second], ['tool:c1']);
      const tool = loader.state.entries.get('tool:c1');
      assert.ok(tool?.kind === 'tool');
      assert.deepEqual(tool.files, [{ path: 'hello.ts', kind: 'modified', added: 2, removed: 1 }]);
      assert.equal((await loader.catchUp()).size, 0, 'nothing new, nothing changed');
    } finally {
      await store.close();
    }
  });

  it("shows events another writer committed (not in the runner's format) as plain notes, the rest of the timeline intact", () => {
    seq = 0;
    const events = [
      ev(0, 'session_started', { task: 'Change hello to 2', system: '', models: ['m1'], maxTokens: 100, budgets: {}, policy: {}, firstMessage: 'h0' }),
      ev(1, 'model_turn', { text: 'thinking' }),
      ev(1, 'message_added', null),
      ev(1, 'file_change', { path: 'a.ts' }),
      ev(2, 'status', { status: 'completed' }),
    ];
    assert.deepEqual(blobsNeeded(events).messages, []);
    const state = emptyTimeline();
    applyEvents(state, events, none);
    const entries = sortEntries([...state.entries.values()]);
    assert.deepEqual(entries.map((e) => e.kind), ['start', 'note', 'note', 'note', 'note']);
    const notes = byKind(entries, 'note').map((n) => n.text);
    assert.deepEqual(notes.slice(0, 3), [`model_turn (not in the runner's format): {"text":"thinking"}`, "message_added (not in the runner's format): null", 'file_change']);
  });
});
