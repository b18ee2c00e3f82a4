import { copyFileSync, cpSync } from 'node:fs';
import * as path from 'node:path';
import { buildImage, connectDocker } from '../../src/core/docker/engine';
import { repoRoot } from './paths';
import { tempDir } from './tempDir';

/** Builds examples/app (busybox httpd, FROM scratch: nothing to pull) on the given engine under `tag`. */
export async function buildSampleApp(dockerHost: string, tag: string): Promise<string> {
  const context = tempDir('cosvm-app-');
  cpSync(path.join(repoRoot, 'examples', 'app'), context, { recursive: true });
  // Debian's static busybox is the whole userland of the image.
  copyFileSync('/bin/busybox', path.join(context, 'busybox'));
  const { imageId } = await buildImage(await connectDocker({ host: dockerHost }), { contextDir: context, tag });
  return imageId;
}
