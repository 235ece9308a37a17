import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol outlines: Go package-level var groups', () => {
  const { outliner, delta } = deltaSuite();
  const grouped = 'package p\n\nvar (\n\tTimeout = 30\n\tRetries = 3\n)\n\nvar Single = 1\n';

  it('each name in `var ( … )` is a variable of its own, as in `const ( … )`', () => {
    const symbols = outliner().outline('a.go', grouped).symbols.map((s) => `${s.kind} ${s.name} ${s.startLine}-${s.endLine}`);
    assert.deepEqual(symbols, ['variable Timeout 4-4', 'variable Retries 5-5', 'variable Single 8-8']);
  });

  it('a step that changes one variable of the group says so, and only that one', () => {
    assert.deepEqual(delta('a.go', grouped, grouped.replace('Retries = 3', 'Retries = 5')), ['changed variable `Retries` in a.go']);
    assert.deepEqual(delta('a.go', grouped, grouped.replace('\tRetries = 3\n', '\tRetries = 3\n\tBackoff = 2\n')), ['added variable `Backoff` in a.go']);
  });
});
