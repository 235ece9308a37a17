import assert from 'node:assert/strict';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { describeEvent, timelineLine } from '../../../src/core/runner/timeline';
import type { JournalEvent } from '../../../src/core/store/types';

const result = (more: Partial<ToolResultData>): ToolResultData => ({ callId: 'c1', name: 'run_command', key: 'k', isError: false, content: 'exit 0\nmore output', progressed: true, ...more });

describe('savepoint show: a result\'s files and symbols under its line', function () {
  it('lists the files a command changed (binary ones marked as shown by hash, too-large ones as kept by hash) and the symbols, one per line', () => {
    const text = describeEvent({
      type: 'tool_result',
      data: result({
        sideEffects: [
          { path: 'gen.ts', kind: 'created', beforeHash: null, afterHash: 'a' },
          { path: 'logo.png', kind: 'modified', beforeHash: 'b', afterHash: 'c', binary: true },
          { path: 'dump.sql', kind: 'modified', beforeHash: 'd', afterHash: 'e', tooLarge: true },
          { path: 'movie.mp4', kind: 'deleted', beforeHash: 'g', afterHash: null, binary: true, tooLarge: true },
          { path: 'new/n.ts', kind: 'renamed', from: 'old/n.ts', beforeHash: 'f', afterHash: 'f' },
        ],
        symbols: ['added function `gen` in gen.ts'],
      }),
    });
    assert.equal(
      text,
      [
        '  ok run_command: exit 0 more output',
        '        A gen.ts',
        '        M logo.png (binary: shown by hash only)',
        '        M dump.sql (over the size limit: kept by hash only)',
        '        D movie.mp4 (binary, over the size limit: kept by hash only)',
        '        R old/n.ts -> new/n.ts',
        '        added function `gen` in gen.ts',
      ].join('\n'),
    );
  });

  it("an edit's symbol lines, which its content carries for the model, are said once, under its line", () => {
    const text = describeEvent({ type: 'tool_result', data: result({ name: 'write_file', content: 'Wrote a.ts (3 lines)\nchanged constant `a` in a.ts', symbols: ['changed constant `a` in a.ts'] }) });
    assert.equal(text, ['  ok write_file: Wrote a.ts (3 lines)', '        changed constant `a` in a.ts'].join('\n'));
  });

  it('a plain result stays one line; a long list is cut with a count', () => {
    assert.equal(describeEvent({ type: 'tool_result', data: result({}) }), '  ok run_command: exit 0 more output');
    const many = describeEvent({ type: 'tool_result', data: result({ symbols: Array.from({ length: 14 }, (_, i) => `changed function \`f${i}\` in a.ts`) }) });
    assert.equal(many.split('\n').length, 12);
    assert.match(many, /… and 4 more$/);
  });
});

describe('savepoint show: rewinds, their undos and settlements in words', function () {
  const line = (seq: number, type: string, data: unknown) => timelineLine({ seq, step: 2, at: Date.UTC(2026, 0, 1, 10, 0, 0), type, data } as JournalEvent);
  it('names the target, the files and what was left alone', () => {
    const file = { path: 'a.ts', fromHash: 'x', toHash: 'y' };
    assert.equal(line(7, 'rewind', { rewindId: 'r', targetStep: 1, mode: 'files', files: [file, file], skipped: ['c.ts'], at: 0 }), '   7 10:00:00 step   2  rewind to step 1: 2 files, 1 kept');
    assert.equal(line(8, 'rewind_settled', { rewindId: 'r', notWritten: ['b.ts'] }), '   8 10:00:00 step   2  rewind done; left alone (changed during it): b.ts');
    assert.equal(line(9, 'rewind_undone', { rewindId: 'r', files: [file], skipped: [], at: 0 }), '   9 10:00:00 step   2  rewind undone: 1 file');
    assert.equal(line(10, 'rewind_settled', { rewindId: 'r', undo: true, notWritten: [] }), '  10 10:00:00 step   2  undo done');
    assert.equal(line(11, 'rewind', { targetStep: 0, files: [] }), '  11 10:00:00 step   2  rewind to before the session: 0 files');
  });
});

describe('the timeline line of a raised budget', function () {
  it('says the limits in words, dollars as dollars, not as JSON with float noise', () => {
    const text = describeEvent({ type: 'budgets_changed', data: { budgets: { maxSteps: 20, maxCostUsd: 1.2423000000000002, maxToolFailures: 5, maxMinutes: 30, maxTokens: 0 } } });
    assert.equal(text, 'budgets → 20 steps, $1.24, 5 failures per tool, 30 minutes (tokens: no limit)');
  });
});
