import { randomBytes } from 'node:crypto';

/**
 * How `npm start` lets the user, and only the user, into the editor it serves. code-server on
 * 127.0.0.1 without a password is open to every account of the machine: each could open its
 * terminal (a shell as this user) and read the environment, ANTHROPIC_API_KEY with it. A new
 * password per start, given to code-server through its environment (never a file) and printed for
 * the user only, closes that. `SAVEPOINT_EDITOR_PASSWORD` chooses one (at least 12 characters).
 */
export interface EditorAccess {
  /** code-server's flags. */
  args: string[];
  /** Added to code-server's environment. */
  env: Record<string, string>;
  /** What the banner says under the URL. */
  line: string;
}

export const MIN_PASSWORD = 12;

export function editorAccess(chosen: string | undefined = process.env.SAVEPOINT_EDITOR_PASSWORD): EditorAccess {
  const given = chosen?.trim();
  if (given !== undefined && given !== '' && given.length < MIN_PASSWORD) throw new Error(`SAVEPOINT_EDITOR_PASSWORD must be at least ${MIN_PASSWORD} characters`);
  const password = given || randomBytes(12).toString('base64url');
  return {
    args: ['--auth', 'password'],
    env: { PASSWORD: password },
    line: `Password: ${password}    (new at every start, for you only: the editor runs commands as you)`,
  };
}
