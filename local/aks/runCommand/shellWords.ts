// Splits a command string into words the way `sh -c` does for a simple command: blanks
// separate words; single quotes keep everything; double quotes keep everything but `\` before
// `$ \` " \\` and newline; a backslash outside quotes escapes the next character. Anything
// that would need a real shell (pipes, lists, redirections, expansions) is reported, not guessed.

export type ShellWords =
  | { ok: true; words: string[] }
  | { ok: false; exitCode: number; message: string };

const OPERATORS = new Set([';', '&', '|', '<', '>', '(', ')']);
const BLANKS = new Set([' ', '\t', '\n']);

export function splitShellWords(command: string): ShellWords {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (BLANKS.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < command.length && command[i] !== '\n') i++;
      continue;
    }
    if (OPERATORS.has(c)) return unsupported(`'${c}'`);
    if (c === '`' || (c === '$' && /[A-Za-z_{(0-9@*#?$!-]/.test(command[i + 1] ?? ''))) return unsupported(`'${c}${c === '$' ? command[i + 1] : ''}' (expansion)`);
    if (c === '\\' && command[i + 1] === '\n') {
      i++;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      const next = command[i + 1];
      i++;
      word += next ?? '\\';
      continue;
    }
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return unterminated();
      word += command.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        const d = command[j]!;
        if (d === '`' || (d === '$' && /[A-Za-z_{(0-9@*#?$!-]/.test(command[j + 1] ?? ''))) return unsupported(`'${d}' (expansion) inside double quotes`);
        if (d === '\\' && '$`"\\\n'.includes(command[j + 1] ?? '')) {
          j++;
          if (command[j] !== '\n') word += command[j];
          continue;
        }
        word += d;
      }
      if (j >= command.length) return unterminated();
      i = j;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

function unterminated(): ShellWords {
  return { ok: false, exitCode: 2, message: '/bin/sh: syntax error: unterminated quoted string\n' };
}

function unsupported(what: string): ShellWords {
  return {
    ok: false,
    exitCode: 2,
    message: `/bin/sh: the simulator's run-command runs one simple command; ${what} is not interpreted\n`,
  };
}
