/**
 * A command line as the shell reads it, for finding the programs it runs (`repoChangingGit`): its
 * simple commands, each as words with the quotes and backslashes taken out, and the program each
 * runs in the end, past what runs another program (`sh -c '…'`, `xargs git add`, `sudo -u x git …`).
 * Best effort, never a shell: a script file or an alias that runs a program is not seen.
 */

/** Outside quotes: where a word or a command ends, a quote starts, or a backslash takes the next character. */
const OUTSIDE = /[\s\\"';&|()`$]/g;

/**
 * The simple commands of `line`, each its words: split at `;`, `&`, `|`, line breaks, `(`, `)`, a
 * backquote and `$(` outside quotes (what a subshell or a command substitution runs is a command of
 * its own), words at blanks; quotes and backslashes taken out as the shell takes them.
 */
export function shellCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  // A stretch at a time up to the next character that means something (a character at a time is slow on long lines).
  for (let i = 0; i < line.length; ) {
    OUTSIDE.lastIndex = i;
    const at = OUTSIDE.exec(line)?.index ?? line.length;
    if (at > i) {
      cur += line.slice(i, at);
      inWord = true;
    }
    if (at === line.length) break;
    const c = line.charAt(at);
    i = at + 1;
    if (c === "'") {
      const end = line.indexOf("'", i);
      cur += line.slice(i, end < 0 ? line.length : end);
      inWord = true;
      i = end < 0 ? line.length : end + 1;
    } else if (c === '"') {
      // Within "…", a backslash takes only $ ` " \ and a line break as themselves.
      while (i < line.length && line.charAt(i) !== '"') {
        const d = line.charAt(i);
        if (d === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line.charAt(i + 1))) {
          cur += line.charAt(i + 1);
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i < line.length) cur += line.charAt(i++);
      inWord = true;
    } else if (c === '$') {
      if (line.charAt(i) === '(') {
        endCommand();
        i++;
      } else {
        cur += c;
        inWord = true;
      }
    } else if (/\s/.test(c) && c !== '\n') endWord();
    else endCommand();
  }
  endCommand();
  return commands;
}

/** Reserved words and groupings before a command (`if …; then git commit`, `{ git add a; }`, `! git …`). */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);

/** Programs that run the rest of their words as a command, and their options that take the next word as a value. */
const WRAPPERS: Record<string, ReadonlySet<string>> = {
  env: new Set(['-u', '--unset', '-C', '--chdir']),
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-R', '-T', '--user', '--group', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--chroot', '--command-timeout']),
  command: new Set(),
  time: new Set(['-f', '-o', '--format', '--output']),
  exec: new Set(['-a']),
  nice: new Set(['-n', '--adjustment']),
  nohup: new Set(),
  stdbuf: new Set(['-i', '-o', '-e']),
  ionice: new Set(['-c', '-n', '-p', '-P', '-u']),
  // timeout also takes a duration before the command.
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  xargs: new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var']),
};

/** Shells whose `-c` runs its next word as a command line. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);

/**
 * What a simple command runs in the end: its program (as named, `/usr/bin/git` too) and the words
 * after it, past variable assignments, reserved words and the wrappers above; or `{ script }`, the
 * command line a shell's `-c` or an `eval` runs, to be read again. Undefined when it runs nothing
 * (`command -v git` only looks git up).
 */
export function finalProgram(words: readonly string[]): { program: string; args: string[] } | { script: string } | undefined {
  let i = 0;
  while (i < words.length) {
    const w = words[i] as string;
    const base = w.replace(/^.*\//, '');
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || KEYWORDS.has(w)) {
      i++;
      continue;
    }
    if (base === 'eval') return { script: words.slice(i + 1).join(' ') };
    if (SHELLS.has(base)) {
      // `bash -lc '…'`, `sh -e -c '…'`, `bash -o pipefail -c '…'`: the script is the first word after the options.
      let c = false;
      i++;
      while (i < words.length && /^[-+]/.test(words[i] as string) && words[i] !== '--') {
        const o = words[i] as string;
        if (/^-[A-Za-z]*c[A-Za-z]*$/.test(o)) c = true;
        i += o === '-o' || o === '+o' ? 2 : 1;
      }
      return c && words[i] !== undefined ? { script: words[i] as string } : { program: base, args: words.slice(i) };
    }
    const values = WRAPPERS[base];
    if (values === undefined) return { program: w, args: words.slice(i + 1) };
    i++;
    if (base === 'command' && /^-[A-Za-z]*[vV]/.test(words[i] ?? '')) return undefined;
    while (i < words.length && (words[i] as string).startsWith('-')) {
      const o = words[i] as string;
      i += o === '--' ? 1 : values.has(o) ? 2 : 1;
      if (o === '--') break;
    }
    if (base === 'timeout') i++;
  }
  return undefined;
}
