import { ProseGenerator, type Rng, deriveSeed, intIn, makeRng, pick } from './random';
import { LINES_PER_FILE, hotFiles, joinLines, originalLines, relPath, replacementLines } from './workspace';

/**
 * What happens at each step of the W1 session, as a pure function of (seed, F, step): the
 * assistant message (1,500 characters of text + one tool_use), the user's tool_result (2,000
 * characters), and on even steps an edit of a hot file (3 lines replaced) and 1,024 characters of
 * tsc output. Messages are in the Anthropic API shape.
 */
export const ASSISTANT_TEXT_CHARS = 1500;
export const TOOL_RESULT_CHARS = 2000;
export const COMPILER_OUTPUT_CHARS = 1024;
export const EDIT_LINES = 3;
const FIRST_EDIT_LINE = 10;
const LAST_EDIT_LINE = 194;

export interface Edit {
  file: number;
  path: string;
  /** 1-based line where the 3 replaced lines start, in [10, 194]. */
  line: number;
  lines: string[];
}

export interface StepPlan {
  step: number;
  toolUseId: string;
  tool: 'edit_file' | 'read_file';
  assistant: string;
  user: string;
  edit?: Edit;
  compilerOutput?: string;
}

const TSC_MESSAGES = [
  "Type 'string' is not assignable to type 'number'.",
  "Argument of type 'Rec12' is not assignable to parameter of type 'Record<string, number>'.",
  "Property 'total' does not exist on type 'Rec7'.",
  "Object is possibly 'undefined'.",
  "Cannot find name 'scaled'. Did you mean 'scale'?",
  "'value' is declared but its value is never read.",
  "Not all code paths return a value.",
  "Expected 2 arguments, but got 1.",
];

export class W1Scenario {
  readonly hot: number[];
  private readonly prose: ProseGenerator;

  constructor(
    readonly seed: number,
    readonly fileCount: number,
  ) {
    this.hot = hotFiles(seed, fileCount);
    this.prose = new ProseGenerator(seed);
  }

  plan(step: number): StepPlan {
    const rng = makeRng(deriveSeed(this.seed, 0x5e9, step));
    const toolUseId = `toolu_${String(step).padStart(6, '0')}_${Math.floor(rng() * 1e9).toString(36)}`;
    const even = step % 2 === 0;
    const edit = even ? this.edit(rng, step) : undefined;
    const readPath = relPath(rng() < 0.5 ? pick(rng, this.hot) : Math.floor(rng() * this.fileCount));
    const tool = even ? 'edit_file' : 'read_file';
    const input = edit
      ? { path: edit.path, start_line: edit.line, end_line: edit.line + EDIT_LINES - 1, new_text: edit.lines.join('\n') }
      : { path: readPath };
    const assistant = JSON.stringify({
      role: 'assistant',
      content: [
        { type: 'text', text: this.prose.text(rng, ASSISTANT_TEXT_CHARS) },
        { type: 'tool_use', id: toolUseId, name: tool, input },
      ],
    });
    const user = JSON.stringify({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: toolUseId, content: this.prose.text(rng, TOOL_RESULT_CHARS) }],
    });
    const plan: StepPlan = { step, toolUseId, tool, assistant, user };
    if (edit) {
      plan.edit = edit;
      plan.compilerOutput = this.compilerOutput(rng);
    }
    return plan;
  }

  private edit(rng: Rng, step: number): Edit {
    const file = pick(rng, this.hot);
    const line = intIn(rng, FIRST_EDIT_LINE, LAST_EDIT_LINE);
    return { file, path: relPath(file), line, lines: replacementLines(rng, step) };
  }

  private compilerOutput(rng: Rng): string {
    let out = '';
    while (out.length < COMPILER_OUTPUT_CHARS) {
      const file = relPath(rng() < 0.6 ? pick(rng, this.hot) : Math.floor(rng() * this.fileCount));
      const code = 2000 + intIn(rng, 300, 799);
      out += `${file}(${intIn(rng, 1, LINES_PER_FILE)},${intIn(rng, 1, 60)}): error TS${code}: ${pick(rng, TSC_MESSAGES)}\n`;
    }
    return out.slice(0, COMPILER_OUTPUT_CHARS - 1) + '\n';
  }
}

/** The hot files as the generator knows them, edit after edit (never read back from disk). */
export class HotFileModel {
  private readonly current = new Map<number, string[]>();

  constructor(private readonly seed: number) {}

  lines(file: number): string[] {
    return this.current.get(file) ?? originalLines(this.seed, file);
  }

  text(file: number): string {
    return joinLines(this.lines(file));
  }

  /** Applies the edit; returns the file's text before and after. */
  apply(edit: Edit): { before: string; after: string } {
    const lines = this.lines(edit.file);
    const before = joinLines(lines);
    const next = [...lines];
    next.splice(edit.line - 1, EDIT_LINES, ...edit.lines);
    this.current.set(edit.file, next);
    return { before, after: joinLines(next) };
  }

  /** Every hot file's text now (a copy, for verifying a later rewind). */
  texts(files: readonly number[]): Map<number, string> {
    return new Map(files.map((f) => [f, this.text(f)]));
  }
}
