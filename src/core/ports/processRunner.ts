/** Runs a shell command in the workspace (port). The Node implementation spawns a real process. */

export interface RunOptions {
  /** Absolute directory; the caller has already confined it to the workspace. */
  cwd: string;
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs: number;
  /** Aborting kills the process group. */
  signal?: AbortSignal;
  /** Extra environment variables (merged over the runner's own environment). */
  env?: Record<string, string>;
  /** Keep at most this many bytes of combined output in memory; the rest is counted, not kept. */
  maxOutputBytes?: number;
  /**
   * When the output runs past `maxOutputBytes`, also keep its last this many bytes (`outputTail`):
   * a long build or test log ends with what matters (the summary, the error). Default 0.
   */
  keepTailBytes?: number;
  /**
   * What the command's processes carry in their environment (see `COMMAND_MARK`), a fresh one by
   * default. A mark the caller can make again (from the call it runs for) lets a later process find
   * them with `stopMarked` when this one died while they ran.
   */
  mark?: string;
}

export interface RunResult {
  /** Null when the process was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /**
   * stdout and stderr interleaved in arrival order (up to maxOutputBytes), with the values of secret
   * variables of the command's environment replaced by markers (`[secret NAME hidden]`), where the
   * implementation masks them (the Node one does).
   */
  output: Uint8Array;
  /**
   * Total bytes the process wrote, kept or not; a secret value masked in `output` or `outputTail`
   * counts as its marker, so that `outputBytes - output.length - outputTail.length` are those not kept.
   */
  outputBytes: number;
  /**
   * The last bytes written (at most `keepTailBytes`), when the output ran past `maxOutputBytes` and
   * a tail was asked for; they follow `output` after `outputBytes - output.length - outputTail.length` bytes not kept.
   */
  outputTail?: Uint8Array;
  /**
   * The names of processes the command started outside its process group (`setsid`, a daemon),
   * killed when it ended like the rest of its processes; absent when there were none.
   */
  strays?: string[];
  durationMs: number;
}

export interface ProcessRunner {
  /**
   * Runs `command` through the platform shell. Resolves when the process and its group have
   * exited, with whatever output there was; rejects only when the process could not be started.
   * Not idempotent: each call runs the command again.
   */
  run(command: string, options: RunOptions): Promise<RunResult>;

  /**
   * Kills the live processes that carry `mark` (see RunOptions.mark): what is left running of a
   * command whose runner died, which nothing supervises. Returns their names, one per process
   * killed; [] when there is none, or where processes cannot be found by their mark. Idempotent.
   */
  stopMarked?(mark: string): Promise<string[]>;
}
