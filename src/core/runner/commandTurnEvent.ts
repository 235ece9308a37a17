/**
 * A command waits for its turn in its folder (`waiting`; `behind`: the session whose command holds
 * it, when known), then gets it (`waiting`: false, before it runs): journaled only when it waits, so
 * that every view, in any process, says "queued" meanwhile. Waiting when its process died: never ran.
 */
export interface CommandTurnData {
  callId: string;
  waiting: boolean;
  behind?: string;
  /** How many more commands and checks waited before this one (absent: none). */
  ahead?: number;
  /**
   * The wait is of a check command the call runs (the check after its step, get_diagnostics), not of
   * the command itself: a crash during it says nothing of whether the command ran.
   */
  check?: true;
}
