/**
 * POSIX shell quoting for commands sent over SSH. Every dynamic word in a remote command goes through
 * `shellQuote`, so a unit or file name can never inject shell syntax.
 */

const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (safeWord.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
