import assert from 'node:assert/strict';
import { editorText } from '../../../src/core/checkpoints/fileContents';
import { hashBytes } from '../../../src/core/runner/sessionJournal';
import { TimelineViewLoader } from '../../../src/core/runner/timelineViewLoader';
import { openMemoryStore } from '../../../src/core/store/openStore';

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

/**
 * A command changed one letter of a Windows-1252 file (café -> cafè), or only added a byte order
 * mark. The sidebar's row said +0 −0 and the diff editor showed both sides alike: every invalid byte
 * was decoded to the same U+FFFD, and the BOM was dropped.
 */
describe('text that is not UTF-8, or gains a BOM, in the editor', () => {
  it("the timeline's line counts see the change", async () => {
    const store = await openMemoryStore();
    try {
      const s = await store.createSession({ title: 't' });
      const pairs = [
        ['menu.txt', latin1('tea\ncafé\n'), latin1('tea\ncafè\n')],
        ['bom.txt', new TextEncoder().encode('a\nb\n'), Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a\nb\n')])],
      ] as const;
      await store.commit({
        sessionId: s.id,
        expectedHeadSeq: 0,
        blobs: pairs.flatMap(([, a, b]) => [{ content: a }, { content: b }]),
        events: [
          { step: 1, type: 'tool_planned', data: { callId: 'c1', name: 'run_command', category: 'mutate', input: { command: 'iconv' } } },
          { step: 1, type: 'tool_started', data: { callId: 'c1' } },
          { step: 1, type: 'tool_result', data: { callId: 'c1', name: 'run_command', key: 'k', isError: false, content: '', progressed: true, sideEffects: pairs.map(([path, a, b]) => ({ path, kind: 'modified', beforeHash: hashBytes(a), afterHash: hashBytes(b) })) } },
        ],
      });
      const loader = new TimelineViewLoader(store, s.id);
      await loader.catchUp();
      const tool = loader.state.entries.get('tool:c1');
      assert.ok(tool?.kind === 'tool');
      assert.deepEqual(tool.files.map((f) => [f.path, f.added, f.removed]), [['menu.txt', 1, 1], ['bom.txt', 1, 1]]);
    } finally {
      await store.close();
    }
  });

  it('each side of the diff editor shows the bytes as they are', () => {
    assert.notEqual(editorText(latin1('café\n')), editorText(latin1('cafè\n')));
    assert.equal(editorText(latin1('café\n')), 'café\n', 'not UTF-8: byte for byte as Latin-1');
    assert.equal(editorText(new TextEncoder().encode('naïve ✓\n')), 'naïve ✓\n');
    assert.equal(editorText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), '\uFEFFa', 'a BOM is kept: adding one is a change');
  });
});
