import { shellCommand } from '../shell';

export interface JournalQuery {
  /** systemd unit, e.g. `konlet-startup` or `cosvm-app.service`. */
  unit?: string;
  /** Read a journal directory instead of the system journal (`-D`). */
  directory?: string;
  /** Resume strictly after this entry. */
  afterCursor?: string;
  /** Start with at most this many of the newest entries. */
  lines?: number;
  follow?: boolean;
}

/** The remote `journalctl` command line; every value is shell-quoted. */
export function journalctlCommand(query: JournalQuery): string {
  const argv = ['journalctl', '--no-pager', '-o', 'export'];
  if (query.directory) argv.push('-D', query.directory);
  if (query.unit) argv.push('-u', query.unit);
  if (query.afterCursor) argv.push(`--after-cursor=${query.afterCursor}`);
  else if (query.lines !== undefined) argv.push('-n', String(query.lines));
  if (query.follow) argv.push('-f');
  return shellCommand(argv);
}
