import assert from 'node:assert/strict';
import { type DiagnosticsDelta, diagnosticsLook } from '../../../src/shared/timeline';

const delta = (o: Partial<DiagnosticsDelta>): DiagnosticsDelta => ({ errors: 0, warnings: 0, deltaErrors: 0, deltaWarnings: 0, introduced: [], introducedCount: 0, resolvedCount: 0, unavailable: null, unchecked: [], notUnderstood: null, ...o });

describe("a step's findings line in the sidebar", () => {
  it('shows a check that could not run as a warning, not the green check of "no errors"', () => {
    assert.deepEqual(diagnosticsLook(delta({ unavailable: 'the check command `tsc` failed (exit 127)' })), { icon: 'warning', tone: 'tone-warning' });
  });
  it('shows errors now with the error icon, in red when the step added some and green when it fixed some', () => {
    assert.deepEqual(diagnosticsLook(delta({ errors: 2, deltaErrors: 1 })), { icon: 'error', tone: 'tone-error' });
    assert.deepEqual(diagnosticsLook(delta({ errors: 1, deltaErrors: -1 })), { icon: 'error', tone: 'tone-success' });
    assert.deepEqual(diagnosticsLook(delta({})), { icon: 'check', tone: '' });
  });
});
