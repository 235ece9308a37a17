import assert from 'node:assert/strict';
import { fromOneLine, toOneLine } from '../../../src/core/memory/memoryFormat';

/** What an HTML text input (the editor's input box) keeps of a value: line breaks are stripped (HTML value sanitization). */
const inputBox = (value: string) => value.replace(/[\r\n]/g, '');

describe('editing a memory of several lines in a one-line input box', () => {
  const texts = [
    'Task: fix the login test\nOutcome: done',
    'Release:\n  1. bump the version\n  2. tag it\n\nThen push.',
    'Line with a trailing space \nnext',
    'Windows\r\nline ends',
    'One line only',
  ];

  it('keeps every line break of a memory the user saves unchanged, or changes on one line', () => {
    for (const text of texts) {
      const shown = inputBox(toOneLine(text));
      assert.equal(fromOneLine(shown), text.replace(/\r\n/g, '\n'), JSON.stringify(text));
      const edited = shown.replace('Outcome: done', 'Outcome: done, and the flaky retry removed');
      assert.equal(fromOneLine(edited).split('\n').length, text.split('\n').length);
    }
  });

  it('a mark the user types is a line break; text on one line stays as typed', () => {
    assert.equal(fromOneLine('Build: npm run build ⏎ Test: npm test'), 'Build: npm run build\nTest: npm test');
    assert.equal(fromOneLine('  a plain fact  '), 'a plain fact');
  });
});
