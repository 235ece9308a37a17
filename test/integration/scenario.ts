import type { StepInput } from '../../src/core/scripted/scenario';
import { LONG_FOLLOW_MODEL, longRunSteps } from './longRun';

/**
 * The fixture workspace and the scripted model's answers for the integration suites, shared by the
 * launchers (which write them) and the suites (which check against them). Each suite that starts a
 * session sets its own `savepoint.model`, and the scripted server gives a request only the steps of
 * its model: the suites do not depend on each other's order or success.
 */
export const EDIT_TASK = 'Change hello to 2';
export const SECRET_TASK = 'Print the deploy settings';
export const SECRET_MODEL = 'claude-sonnet-4-6-integration-secret';
export const REWRITE_TASK = 'Rewrite notes.txt';
export const REJECT_TASK = 'Delete README.md';
export const REJECT_REASON = 'keep the README';
export const REJECT_MODEL = 'claude-sonnet-4-6-integration-reject';
export const EDIT_MODEL = 'claude-sonnet-4-6-integration-edit';
export const REWRITE_MODEL = 'claude-sonnet-4-6-integration-rewrite';
export const RESHOW_MODEL = 'claude-sonnet-4-6-integration-reshow';
export const RESHOW_TASK = 'Create reshow.txt';
export const TWICE_MODEL = 'claude-sonnet-4-6-integration-twice';
export const TWICE_TASK = 'Create twice.txt';
export const LATE_MODEL = 'claude-sonnet-4-6-integration-late';
export const EDITED_MODEL = 'claude-sonnet-4-6-integration-edited';
export const EDITED_TASK = 'Create edited.txt';
export const DROP_MODEL = 'claude-sonnet-4-6-integration-drop';
export const DROP_TASK = 'Delete drop-a.txt';
export const FIELDS_MODEL = 'claude-sonnet-4-6-integration-fields';
export const FIELDS_TASK = 'Create fields-a.txt';
export const SHOWN_MODEL = 'claude-sonnet-4-6-integration-shown';
export const SHOWN_TASK = 'Change the second line of notes.md';
export const LATE_TASK = 'Create late.txt';
/** A session cancelled while its question is on screen. */
export const GONE_MODEL = 'claude-sonnet-4-6-integration-gone';
export const GONE_TASK = 'Create gone.txt';
export const LONG_MODEL = 'claude-sonnet-4-6-integration-long';
/** A task and a reply of several lines, written in an editor. */
export const LONG_TASK = 'Create long.txt\n\nKeep it to one line:\n- no header';
export const LONG_REPLY = 'Not yet.\nAsk me which line first.';
export const MEMORY_MODEL = 'claude-sonnet-4-6-integration-memory';
export const REMEMBER_TASK = 'Find out how this project builds';
export const RECALL_TASK = 'Build the project';
export const REMEMBERED = 'The integration fixture builds with `make ci`.';
/** A session whose first step only reads a file: a checkpoint that changed nothing, forked from the sidebar. */
export const READ_MODEL = 'claude-sonnet-4-6-integration-read';
export const READ_TASK = 'Read the README';
/** A session in the second folder of a multi-root workspace (multiRoot.test.ts): a command's file and an edit, then done. */
export const MULTI_MODEL = 'claude-sonnet-4-6-integration-multi';
export const MULTI_TASK = 'Work in the second folder';
/** A session whose command waits until the user has saved usersave.txt in the editor (editorSaves.test.ts). */
export const USERSAVE_MODEL = 'claude-sonnet-4-6-integration-usersave';
export const USERSAVE_TASK = 'Build while I type';
export const USERSAVE_COMMAND = 'echo started > usersave-started.txt; until grep -q typed usersave.txt; do sleep 0.1; done; echo built > usersave-built.txt';
/** A session that asks to edit a file the user has unsaved changes to (editorSaves.test.ts). */
export const UNSAVED_MODEL = 'claude-sonnet-4-6-integration-unsaved';
export const UNSAVED_TASK = 'Edit the file I am typing in';
/** A session whose one command writes 300 files (a checkout of another branch, a generator): the sidebar's step stays short. */
export const BIG_STEP_MODEL = 'claude-sonnet-4-6-integration-big-step';
export const BIG_STEP_TASK = 'Generate the fixtures';
export const BIG_STEP_FILES = 300;
/** The session the launcher leaves journaled as running before the editor starts. */
export const SEEDED_TITLE = 'A session the editor was running when it stopped';

/** A byte-exact restore is only proven on bytes a text round trip would change: BOM, CRLF, non-ASCII, no final newline. */
export const NOTES_ORIGINAL = '\uFEFFNotes \u2014 caf\u00e9\r\nsecond line\r\n\tlast line without newline';
export const NOTES_REWRITTEN = 'Rewritten by the agent.\n';
/** What write_file leaves of NOTES_REWRITTEN over NOTES_ORIGINAL: the file's BOM and its lack of a final newline kept. */
export const NOTES_ON_DISK = '\uFEFFRewritten by the agent.';

export const FIXTURE_FILES: Record<string, string> = {
  'hello.ts': 'export const hello = 1;\n',
  'notes.txt': NOTES_ORIGINAL,
  'README.md': '# Integration fixture\n\nA workspace the Savepoint integration suites work in.\n',
};

export const STEPS: StepInput[] = [
  {
    type: 'message',
    model: SECRET_MODEL,
    expect: { lastUserContains: SECRET_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_secret_cmd', name: 'run_command', input: { command: 'echo "d=$SAVEPOINT_INTEG_DEPLOY_CRED g=$SAVEPOINT_INTEG_GH_TOKEN"' } }],
  },
  { type: 'message', model: SECRET_MODEL, expect: { toolResultFor: 'toolu_integ_secret_cmd', toolResultIsError: false }, content: [{ type: 'text', text: 'Printed.' }] },
  {
    type: 'message',
    model: UNSAVED_MODEL,
    expect: { lastUserContains: UNSAVED_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_unsaved_edit', name: 'edit_file', input: { path: './unsaved.txt', old_text: 'saved', new_text: 'edited by the agent' } }],
  },
  { type: 'message', model: UNSAVED_MODEL, expect: { toolResultFor: 'toolu_integ_unsaved_edit', toolResultIsError: true }, content: [{ type: 'text', text: 'Left it.' }] },
  {
    type: 'message',
    model: USERSAVE_MODEL,
    expect: { lastUserContains: USERSAVE_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_usersave_cmd', name: 'run_command', input: { command: USERSAVE_COMMAND } }],
  },
  { type: 'message', model: USERSAVE_MODEL, expect: { toolResultFor: 'toolu_integ_usersave_cmd', toolResultIsError: false }, content: [{ type: 'text', text: 'Built.' }] },
  {
    type: 'message',
    model: MULTI_MODEL,
    expect: { lastUserContains: MULTI_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_multi_cmd', name: 'run_command', input: { command: 'echo made by a command > made.txt' } }],
  },
  {
    type: 'message',
    model: MULTI_MODEL,
    expect: { toolResultFor: 'toolu_integ_multi_cmd', toolResultIsError: false },
    content: [{ type: 'tool_use', id: 'toolu_integ_multi_edit', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 3' } }],
  },
  { type: 'message', model: MULTI_MODEL, expect: { toolResultFor: 'toolu_integ_multi_edit', toolResultIsError: false }, content: [{ type: 'text', text: 'Done in the second folder.' }] },
  {
    type: 'message',
    model: EDIT_MODEL,
    expect: { lastUserContains: EDIT_TASK },
    content: [
      { type: 'text', text: 'I will bump the constant.' },
      { type: 'tool_use', id: 'toolu_integ_edit', name: 'edit_file', input: { path: 'hello.ts', old_text: 'hello = 1', new_text: 'hello = 2' } },
    ],
  },
  { type: 'message', model: EDIT_MODEL, expect: { toolResultFor: 'toolu_integ_edit', toolResultIsError: false }, content: [{ type: 'text', text: 'Done: hello is 2.' }] },
  {
    type: 'message',
    model: REWRITE_MODEL,
    expect: { lastUserContains: REWRITE_TASK },
    content: [
      { type: 'text', text: 'Rewriting the notes.' },
      { type: 'tool_use', id: 'toolu_integ_write', name: 'write_file', input: { path: 'notes.txt', content: NOTES_REWRITTEN } },
    ],
  },
  { type: 'message', model: REWRITE_MODEL, expect: { toolResultFor: 'toolu_integ_write', toolResultIsError: false }, content: [{ type: 'text', text: 'Notes rewritten.' }] },
  {
    type: 'message',
    model: REJECT_MODEL,
    expect: { lastUserContains: REJECT_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_delete', name: 'delete_file', input: { path: 'README.md' } }],
  },
  {
    type: 'message',
    model: REJECT_MODEL,
    expect: { toolResultFor: 'toolu_integ_delete', toolResultIsError: true, lastUserContains: REJECT_REASON },
    content: [{ type: 'text', text: 'Understood, the README stays.' }],
  },
  {
    type: 'message',
    model: MEMORY_MODEL,
    expect: { lastUserContains: REMEMBER_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_remember', name: 'remember', input: { kind: 'procedure', text: REMEMBERED, tags: ['build'] } }],
  },
  { type: 'message', model: MEMORY_MODEL, expect: { toolResultFor: 'toolu_integ_remember', toolResultIsError: false }, content: [{ type: 'text', text: 'Remembered how to build.' }] },
  // A later session starts with the memory in its system prompt.
  { type: 'message', model: MEMORY_MODEL, expect: { lastUserContains: RECALL_TASK, systemContains: REMEMBERED }, content: [{ type: 'text', text: 'It builds with make ci.' }] },
  {
    type: 'message',
    model: RESHOW_MODEL,
    expect: { lastUserContains: RESHOW_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_reshow', name: 'write_file', input: { path: 'reshow.txt', content: 'shown again\n' } }],
  },
  { type: 'message', model: RESHOW_MODEL, expect: { toolResultFor: 'toolu_integ_reshow', toolResultIsError: false }, content: [{ type: 'text', text: 'Created.' }] },
  {
    type: 'message',
    model: TWICE_MODEL,
    expect: { lastUserContains: TWICE_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_twice', name: 'write_file', input: { path: 'twice.txt', content: 'resumed twice\n' } }],
  },
  { type: 'message', model: TWICE_MODEL, expect: { toolResultFor: 'toolu_integ_twice', toolResultIsError: false }, content: [{ type: 'text', text: 'Created.' }] },
  {
    type: 'message',
    model: LATE_MODEL,
    expect: { lastUserContains: LATE_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_late', name: 'write_file', input: { path: 'late.txt', content: 'approved after the pause\n' } }],
  },
  { type: 'message', model: LATE_MODEL, expect: { toolResultFor: 'toolu_integ_late', toolResultIsError: false }, content: [{ type: 'text', text: 'Created.' }] },
  {
    type: 'message',
    model: GONE_MODEL,
    expect: { lastUserContains: GONE_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_gone', name: 'write_file', input: { path: 'gone.txt', content: 'never written\n' } }],
  },
  {
    type: 'message',
    model: LONG_MODEL,
    expect: { lastUserContains: LONG_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_long', name: 'write_file', input: { path: 'long.txt', content: 'one line\n' } }],
  },
  { type: 'message', model: LONG_MODEL, expect: { toolResultFor: 'toolu_integ_long', lastUserContains: LONG_REPLY }, content: [{ type: 'text', text: 'Understood: nothing written.' }] },
  {
    type: 'message',
    model: EDITED_MODEL,
    expect: { lastUserContains: EDITED_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_edited', name: 'write_file', input: { path: 'edited.txt', content: 'line one from the model\nline two from the model\n' } }],
  },
  { type: 'message', model: EDITED_MODEL, expect: { toolResultFor: 'toolu_integ_edited', toolResultIsError: false }, content: [{ type: 'text', text: 'Created.' }] },
  {
    type: 'message',
    model: DROP_MODEL,
    expect: { lastUserContains: DROP_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_drop', name: 'delete_file', input: { path: 'drop-a.txt' } }],
  },
  { type: 'message', model: DROP_MODEL, expect: { toolResultFor: 'toolu_integ_drop', toolResultIsError: false }, content: [{ type: 'text', text: 'Deleted.' }] },
  {
    type: 'message',
    model: FIELDS_MODEL,
    expect: { lastUserContains: FIELDS_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_fields', name: 'write_file', input: { path: 'fields-a.txt', content: 'contents from the model\n' } }],
  },
  { type: 'message', model: FIELDS_MODEL, expect: { toolResultFor: 'toolu_integ_fields', toolResultIsError: false }, content: [{ type: 'text', text: 'Created.' }] },
  {
    type: 'message',
    model: SHOWN_MODEL,
    expect: { lastUserContains: SHOWN_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_shown', name: 'write_file', input: { path: 'shown.md', content: 'first line\nsecond line, changed\n' } }],
  },
  { type: 'message', model: SHOWN_MODEL, expect: { toolResultFor: 'toolu_integ_shown', toolResultIsError: false }, content: [{ type: 'text', text: 'Changed.' }] },
  {
    type: 'message',
    model: READ_MODEL,
    expect: { lastUserContains: READ_TASK },
    content: [
      { type: 'text', text: 'Reading the README.' },
      { type: 'tool_use', id: 'toolu_integ_read', name: 'read_file', input: { path: 'README.md' } },
    ],
  },
  { type: 'message', model: READ_MODEL, expect: { toolResultFor: 'toolu_integ_read', toolResultIsError: false }, content: [{ type: 'text', text: 'It is the fixture README.' }] },
  {
    type: 'message',
    model: BIG_STEP_MODEL,
    expect: { lastUserContains: BIG_STEP_TASK },
    content: [{ type: 'tool_use', id: 'toolu_integ_big_step', name: 'run_command', input: { command: `mkdir -p generated && for i in $(seq 1 ${BIG_STEP_FILES}); do echo "fixture $i" > generated/f$i.txt; done` } }],
  },
  { type: 'message', model: BIG_STEP_MODEL, expect: { toolResultFor: 'toolu_integ_big_step', toolResultIsError: false }, content: [{ type: 'text', text: 'Generated.' }] },
  // A long session (longSession.test.ts): SAVEPOINT_INTEG_LONG_TURNS turns (default 100).
  ...longRunSteps(Number(process.env.SAVEPOINT_INTEG_LONG_TURNS ?? 100)),
  ...longRunSteps(60, LONG_FOLLOW_MODEL),
];
