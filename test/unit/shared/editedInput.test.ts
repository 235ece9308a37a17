import assert from 'node:assert/strict';
import { editedText, inputFrom, withEditedText } from '../../../src/shared/editedInput';

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

describe('editedText: the text Edit opens as a document of its own', () => {
  it('is a file\'s new contents for write_file, named as the file (its language follows)', () => {
    assert.deepEqual(editedText('write_file', { path: 'src/a.ts', content: 'x\n' }), { field: 'content', text: 'x\n', what: 'the new contents of src/a.ts', name: 'a.ts' });
  });

  it('is the new text for edit_file, and the command line for run_command', () => {
    assert.equal(editedText('edit_file', { path: 'a.py', old_text: 'a', new_text: 'b' })?.field, 'new_text');
    assert.equal(editedText('edit_file', { path: 'a.py', old_text: 'a', new_text: 'b' })?.name, 'a.py');
    assert.deepEqual(editedText('run_command', { command: 'npm test' }), { field: 'command', text: 'npm test', what: 'the command', name: 'command.sh' });
  });

  it('is none for other tools or an input without the field as a string (the whole input is then JSON)', () => {
    assert.equal(editedText('delete_file', { path: 'a.txt' }), undefined);
    assert.equal(editedText('write_file', { path: 'a.txt', content: 3 }), undefined);
    assert.equal(editedText('run_command', ['npm test']), undefined);
    assert.equal(editedText(undefined, { command: 'x' }), undefined);
  });

  it('puts the document\'s text back in its field, keeping the other fields; a command loses the line break an editor adds at its end', () => {
    const e = editedText('run_command', { command: 'npm test', timeout_seconds: 60 });
    assert.ok(e);
    assert.deepEqual(withEditedText({ command: 'npm test', timeout_seconds: 60 }, e, 'npm run lint\n'), { command: 'npm run lint', timeout_seconds: 60 });
    const w = editedText('write_file', { path: 'a.txt', content: 'x' });
    assert.ok(w);
    assert.deepEqual(withEditedText({ path: 'a.txt', content: 'x' }, w, 'y\n\n'), { path: 'a.txt', content: 'y\n\n' });
  });
});
