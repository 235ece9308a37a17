import type { ZodType } from 'zod';
import type { ToolCategory } from '../runner/approvalPolicy';
import type { Diagnostics } from '../ports/diagnostics';
import type { ProcessRunner } from '../ports/processRunner';
import type { Workspace } from '../ports/workspace';
import type { MemoryPort } from '../memory/memoryPort';
import type { SecretMask } from '../secrets/secretMask';

/** What every tool may use. Built once per session by the composition root (CLI or extension). */
export interface ToolContext {
  workspace: Workspace;
  processes: ProcessRunner;
  diagnostics: Diagnostics;
  /** Aborted when the session is paused or cancelled; long-running tools stop early. */
  signal: AbortSignal;
  /** Full outputs of earlier calls whose results were cut (the runner provides it). */
  outputs?: OutputReader;
  /** Long-term memory, bound to this call (the runner provides it when the session has memory). */
  memory?: MemoryPort;
  /**
   * The secret values of the environment: the runner masks them in every result the model gets and
   * the store keeps, and refuses a file change that would write their marker into a file.
   */
  secrets?: SecretMask;
}

/** Reads back the whole output of an earlier call, kept in the store when the model got only part of it. */
export interface OutputReader {
  /** The output's bytes, or undefined when that call's output was never cut (or is unknown). */
  read(callId: string): Promise<Uint8Array | undefined>;
}

/** One file change a mutating file tool wants, computed without writing anything. */
export interface FileChange {
  /** Workspace-relative, `/`-separated. */
  path: string;
  /** The file's bytes now (null: the file does not exist). */
  before: Uint8Array | null;
  /** The bytes the file will hold (null: the file is deleted). */
  after: Uint8Array | null;
  /** A file the change deletes: whether it has an execute bit (a rewind that re-creates it sets it again). */
  beforeExec?: boolean;
  /** A file the change deletes: its permission bits (POSIX), which a rewind that re-creates it gives it again. */
  beforeMode?: number;
  /** A deletion of a symlink (the link, never its target): the link's text, which a rewind that re-creates it gives it again. */
  beforeLink?: string;
  /** The path the tool was given, when it is a symlink to `path` (the runner names a written file by its target). */
  via?: string;
}

/** What a tool gives back for the model. */
export interface ToolOutput {
  /** What the model sees: already cut to a size the model can take. */
  content: string;
  /** The tool failed in a way the model can act on (sent back with `is_error`). */
  isError?: boolean;
  /** The full output when `content` was cut; the runner keeps it as a blob. */
  full?: Uint8Array;
  /** The call changed the workspace (loop detection counts repeats without progress). */
  progressed?: boolean;
  /** A fact to pin: sent verbatim with every later request, whatever is compacted. */
  pin?: string;
  /** Files whose contents the call showed the model, as read: the drift check compares them with the disk later. */
  seen?: { path: string; bytes: Uint8Array }[];
}

/**
 * A tool the model can call. Input is validated with `schema` (and described to the model by
 * `inputSchema`) before anything runs; a validation failure is an `is_error` result.
 *
 * File-mutating tools (`edit_file`, `write_file`, `delete_file`) implement `plan`: it computes the
 * changes without writing, and the RUNNER journals the before/after hashes and then applies them,
 * so that a call found in flight at resume can be reconciled by comparing hashes. Such tools have
 * no `run`. Every other tool implements `run`.
 * Errors the model can act on (missing file, ambiguous edit, command failed) are returned as
 * `ToolError` (thrown from `plan`/`run`) and become `is_error` results; anything else thrown is
 * an infrastructure failure and stops the step.
 */
export interface Tool<I = unknown> {
  /** snake_case verb for the model. */
  readonly name: string;
  readonly description: string;
  readonly category: ToolCategory;
  /** JSON schema sent to the model. */
  readonly inputSchema: Record<string, unknown>;
  readonly schema: ZodType<I>;
  plan?(input: I, ctx: ToolContext): Promise<FileChange[]>;
  run?(input: I, ctx: ToolContext): Promise<ToolOutput>;
}

/** A failure the model can act on; its message is what the model reads. */
export class ToolError extends Error {
  override readonly name = 'ToolError';

  constructor(
    readonly code: 'INVALID_INPUT' | 'NOT_FOUND' | 'NO_MATCH' | 'AMBIGUOUS' | 'OUTSIDE_WORKSPACE' | 'IS_DIRECTORY' | 'TIMEOUT' | 'FAILED',
    message: string,
  ) {
    super(message);
  }

  static is(e: unknown, code?: ToolError['code']): e is ToolError {
    return e instanceof ToolError && (code === undefined || e.code === code);
  }
}
