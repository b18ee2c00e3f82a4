/** The equivalent `gcloud compute instances create-with-container` line (flag mapping: reference/konlet-spec.md §3.6). */
import { shellCommand } from '../../shell';
import type { DeclarationSpec } from '../model';

const restartFlag: Record<string, string> = { Always: 'always', OnFailure: 'on-failure', Never: 'never' };

export function renderGcloud(spec: DeclarationSpec, instanceName: string): string {
  const container = spec.containers?.[0];
  const argv = ['gcloud', 'compute', 'instances', 'create-with-container', instanceName, `--container-image=${container?.image ?? ''}`];
  const [command, ...commandRest] = container?.command ?? [];
  if (command !== undefined) argv.push(`--container-command=${command}`);
  // `=` keeps gcloud from reading a value that starts with "-" as a flag.
  for (const arg of [...commandRest, ...(container?.args ?? [])]) argv.push(`--container-arg=${arg}`);
  for (const variable of container?.env ?? []) {
    const pair = `${variable.name ?? ''}=${variable.value ?? ''}`;
    // gcloud splits --container-env on commas; `^D^` switches to a delimiter D the value lacks (gcloud topic escaping).
    const delimiter = [';', '|', '~', '#', '@'].find((d) => !pair.includes(d)) ?? '\u0001';
    argv.push(`--container-env=${pair.includes(',') ? `^${delimiter}^${pair}` : pair}`);
  }
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name ?? '', v]));
  for (const mount of container?.volumeMounts ?? []) {
    const volume = volumes.get(mount.name ?? '');
    const mode = mount.readOnly ? 'ro' : 'rw';
    if (volume?.hostPath) argv.push(`--container-mount-host-path=host-path=${volume.hostPath.path ?? ''},mount-path=${mount.mountPath ?? ''},mode=${mode}`);
    else if (volume?.emptyDir) argv.push(`--container-mount-tmpfs=mount-path=${mount.mountPath ?? ''}`);
    else if (volume?.gcePersistentDisk) {
      const disk = volume.gcePersistentDisk;
      argv.push(`--container-mount-disk=name=${disk.pdName ?? ''},mount-path=${mount.mountPath ?? ''}${disk.partition ? `,partition=${disk.partition}` : ''},mode=${mode}`);
    }
  }
  argv.push(`--container-restart-policy=${restartFlag[spec.restartPolicy ?? 'Always'] ?? 'always'}`);
  if (container?.securityContext?.privileged) argv.push('--container-privileged');
  if (container?.stdin) argv.push('--container-stdin');
  if (container?.tty) argv.push('--container-tty');
  return `${shellCommand(argv)}\n`;
}
