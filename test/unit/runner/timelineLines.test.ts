import assert from 'node:assert/strict';
import type { ToolResultData } from '../../../src/core/runner/runEvents';
import { describeEvent } from '../../../src/core/runner/timeline';

const result = (more: Partial<ToolResultData>): ToolResultData => ({ callId: 'c1', name: 'run_command', key: 'k', isError: false, content: 'exit 0\nmore output', progressed: true, ...more });

describe('savepoint show: a result\'s files and symbols under its line', function () {
  it('lists the files a command changed (binary and too-large ones marked as kept by hash) and the symbols, one per line', () => {
    const text = describeEvent({
      type: 'tool_result',
      data: result({
        sideEffects: [
          { path: 'gen.ts', kind: 'created', beforeHash: null, afterHash: 'a' },
          { path: 'logo.png', kind: 'modified', beforeHash: 'b', afterHash: 'c', binary: true },
          { path: 'dump.sql', kind: 'modified', beforeHash: 'd', afterHash: 'e', tooLarge: true },
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
        '        M logo.png (binary: kept by hash only)',
        '        M dump.sql (over the size limit: kept by hash only)',
        '        R old/n.ts -> new/n.ts',
        '        added function `gen` in gen.ts',
      ].join('\n'),
    );
  });

  it('a plain result stays one line; a long list is cut with a count', () => {
    assert.equal(describeEvent({ type: 'tool_result', data: result({}) }), '  ok run_command: exit 0 more output');
    const many = describeEvent({ type: 'tool_result', data: result({ symbols: Array.from({ length: 14 }, (_, i) => `changed function \`f${i}\` in a.ts`) }) });
    assert.equal(many.split('\n').length, 12);
    assert.match(many, /… and 4 more$/);
  });
});
