/** A Kubernetes Deployment from the declaration, for users who outgrow VMs. COS runs containers on the host network, so the pod does too. */
import { stringify } from 'yaml';
import type { DeclarationSpec } from '../model';
import { containerName } from './dockerRun';

export function renderKubernetes(spec: DeclarationSpec, name: string): string {
  const containers = (spec.containers ?? []).map((container, index) => ({
    name: containerName(container, index).toLowerCase(),
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(container.env?.length ? { env: container.env.map((v) => ({ name: v.name, value: v.value ?? '' })) } : {}),
    ...(container.volumeMounts?.length ? { volumeMounts: container.volumeMounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}) })) } : {}),
    ...(container.securityContext?.privileged ? { securityContext: { privileged: true } } : {}),
    ...(container.stdin ? { stdin: true } : {}),
    ...(container.tty ? { tty: true } : {}),
  }));
  const volumes = (spec.volumes ?? []).map((volume) => ({
    name: volume.name,
    ...(volume.hostPath ? { hostPath: { path: volume.hostPath.path } } : {}),
    ...(volume.emptyDir ? { emptyDir: { medium: 'Memory' } } : {}),
    ...(volume.gcePersistentDisk ? { gcePersistentDisk: { pdName: volume.gcePersistentDisk.pdName, fsType: volume.gcePersistentDisk.fsType || 'ext4', ...(volume.gcePersistentDisk.partition ? { partition: volume.gcePersistentDisk.partition } : {}) } } : {}),
  }));
  const labels = { app: name };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { hostNetwork: true, containers, ...(volumes.length ? { volumes } : {}) },
      },
    },
  };
  const note =
    spec.restartPolicy && spec.restartPolicy !== 'Always'
      ? `# restartPolicy ${spec.restartPolicy} has no Deployment equivalent (pods always restart); use a Job for run-to-completion work.\n`
      : '';
  return `${note}${stringify(deployment, { lineWidth: 0 })}`;
}
