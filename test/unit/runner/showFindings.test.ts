import assert from 'node:assert/strict';
import { timelineLine } from '../../../src/core/runner/timeline';
import type { Finding, ToolResultData } from '../../../src/core/runner/runEvents';
import type { BlobHash, JournalEvent } from '../../../src/core/store/types';

const finding = (i: number): Finding => ({ path: `src/m${i}.ts`, line: i + 1, column: 7, severity: i % 4 === 3 ? 'warning' : 'error', message: `Type 'string' is not assignable to type 'number' (${i}).\n  more detail`, code: 'TS2322' });

function resultEvent(introduced: Finding[], introducedCount: number): JournalEvent {
  const data: ToolResultData = {
    callId: 'w1', name: 'write_file', key: 'k', isError: false, content: 'wrote src/m0.ts', progressed: true,
    diagnostics: { errors: introducedCount, warnings: 0, delta: { errors: introducedCount, warnings: 0 }, introduced, introducedCount, resolvedCount: 0, blob: 'b' as BlobHash },
  };
  return { seq: 7, step: 2, type: 'tool_result', data, at: Date.UTC(2026, 0, 1) } as JournalEvent;
}

describe('savepoint show: the findings a step introduced', () => {
  it('are printed as file:line:col severity message [code], not only counted', () => {
    const line = timelineLine(resultEvent([finding(0), finding(1)], 2));
    assert.match(line, /introduced 2 errors/);
    assert.match(line, /\n {8}src\/m0\.ts:1:7 error Type 'string' is not assignable to type 'number' \(0\)\. \[TS2322\]/);
    assert.match(line, /\n {8}src\/m1\.ts:2:7 error /);
    assert.doesNotMatch(line, /more detail/, 'the first line of a message only');
  });

  it('bounded: the first few, then "and N more" counting the ones the record did not keep', () => {
    const kept = Array.from({ length: 10 }, (_, i) => finding(i));
    const line = timelineLine(resultEvent(kept, 25));
    const shown = line.split('\n').filter((l) => /^ {8}src\/m\d+\.ts:\d+:\d+ /.test(l));
    assert.ok(shown.length >= 3 && shown.length <= 10, `${shown.length} shown`);
    assert.match(line, new RegExp(`\\n {8}… and ${25 - shown.length} more new findings`));
  });

  it('a step that introduced nothing prints no finding lines', () => {
    assert.doesNotMatch(timelineLine(resultEvent([], 0)), /\n/);
  });
});
