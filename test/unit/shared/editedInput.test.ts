import assert from 'node:assert/strict';
import { inputFrom } from '../../../src/shared/editedInput';

describe('inputFrom: a call input the user edited as JSON', () => {
  it('takes a JSON object, whatever its layout', () => {
    assert.deepEqual(inputFrom('{\n  "path": "a.txt",\n  "content": "one\\ntwo\\n"\n}\n'), { input: { path: 'a.txt', content: 'one\ntwo\n' } });
  });

  it('says at which line and column broken JSON breaks', () => {
    const read = inputFrom('{\n  "path": "a.txt"\n  "content": "x"\n}\n');
    assert.ok('error' in read);
    assert.match(read.error, /^it is not valid JSON at line 3, column 3 \(/);
    assert.doesNotMatch(read.error, /position/);
  });

  it('says so when the text ends too soon, with no position', () => {
    const read = inputFrom('{\n  "path": "a.txt",');
    assert.ok('error' in read);
    assert.match(read.error, /^it is not valid JSON/);
  });

  it('refuses JSON that is not an object: an array, a string, null', () => {
    for (const text of ['[1]', '"a.txt"', 'null', '3']) {
      const read = inputFrom(text);
      assert.ok('error' in read, text);
      assert.match(read.error, /must be a JSON object/);
    }
  });
});
