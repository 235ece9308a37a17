import assert from 'node:assert/strict';
import type { FileTouch } from '../../../src/core/checkpoints/fileHistory';
import { lastStateOf } from '../../../src/core/checkpoints/lastKnownState';
import type { BlobHash } from '../../../src/core/store/types';

const H0 = 'h0' as BlobHash;
const H1 = 'h1' as BlobHash;
const touch = (seq: number, t: Pick<FileTouch, 'kind' | 'callId' | 'beforeHash' | 'afterHash'> & Partial<FileTouch>): FileTouch => ({ path: 'a.txt', step: seq, seq, outcome: 'applied', ...t });

describe('the last known state of a file (pure, from its touches)', () => {
  it("a version found after a crash (maybe the user's) that a rewind overwrote and its undo gave back is not the session's own", () => {
    const found = touch(1, { kind: 'command', callId: 'c1', beforeHash: H0, afterHash: H1, uncertain: true });
    const rewind = touch(2, { kind: 'rewind', callId: 'r1', beforeHash: H1, afterHash: H0 });
    const undo = touch(3, { kind: 'undo', callId: 'r1', beforeHash: H0, afterHash: H1 });
    // (`inFlight`: the rewind's version, which a crash between the undo's record and its renames would leave.)
    assert.deepEqual(lastStateOf('a.txt', [found, rewind, undo]), { path: 'a.txt', hash: H1, inFlight: H0, notOwn: true });
    // The same history with the command's change surely the session's: the undo gives back its own version.
    const own = { ...found };
    delete own.uncertain;
    assert.deepEqual(lastStateOf('a.txt', [own, rewind, undo]), { path: 'a.txt', hash: H1, inFlight: H0 });
  });
});
