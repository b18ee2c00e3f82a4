import { copyFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './tempDir';

/**
 * A build context `FROM scratch` whose whole userland is Debian's static busybox (nothing to pull here), serving
 * `page` as /www/index.html. `page` defaults to text unique to this call, so each build is a new image.
 */
export function scratchContext(options: { page?: string; extraDockerfileLines?: string[] } = {}): string {
  const dir = tempDir('cosvm-ctx-');
  copyFileSync('/bin/busybox', path.join(dir, 'busybox'));
  writeFileSync(path.join(dir, 'index.html'), options.page ?? `hello ${Date.now()} ${Math.random().toString(16).slice(2)}\n`);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    ['FROM scratch', 'COPY busybox /bin/busybox', 'COPY index.html /www/index.html', ...(options.extraDockerfileLines ?? []), 'ENTRYPOINT ["/bin/busybox"]', 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', ''].join('\n'),
  );
  return dir;
}
