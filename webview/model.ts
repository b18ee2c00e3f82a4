/**
 * The declaration the host sends is `unknown` until read here (STYLE §5.8): every field is normalised to what
 * the form shows, so a hand-written oddity (a number for a name, a map for a list) never throws. DOM-free.
 */

export interface EnvView { name: string; value: string; }
export interface MountView { name: string; mountPath: string; readOnly: boolean; }
export interface ContainerView {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: EnvView[];
  volumeMounts: MountView[];
  privileged: boolean;
  stdin: boolean;
  tty: boolean;
}
export type VolumeKind = 'hostPath' | 'emptyDir' | 'gcePersistentDisk';
export const volumeKinds: readonly VolumeKind[] = ['hostPath', 'emptyDir', 'gcePersistentDisk'];
export interface VolumeView {
  name: string;
  /** Every kind key present (konlet wants exactly one). */
  kinds: VolumeKind[];
  hostPath: string;
  medium: string;
  pdName: string;
  fsType: string;
  partition: string;
}
export interface DeclarationView {
  containers: ContainerView[];
  volumes: VolumeView[];
  restartPolicy: string;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');
const flag = (value: unknown): boolean => value === true;

export function readDeclaration(declaration: unknown): DeclarationView {
  const spec = obj(obj(declaration).spec);
  return {
    containers: list(spec.containers).map((item) => {
      const c = obj(item);
      return {
        name: text(c.name),
        image: text(c.image),
        command: list(c.command).map(text),
        args: list(c.args).map(text),
        env: list(c.env).map((e) => ({ name: text(obj(e).name), value: text(obj(e).value) })),
        volumeMounts: list(c.volumeMounts).map((m) => ({ name: text(obj(m).name), mountPath: text(obj(m).mountPath), readOnly: flag(obj(m).readOnly) })),
        privileged: flag(obj(c.securityContext).privileged),
        stdin: flag(c.stdin),
        tty: flag(c.tty),
      };
    }),
    volumes: list(spec.volumes).map((item) => {
      const v = obj(item);
      return {
        name: text(v.name),
        kinds: volumeKinds.filter((kind) => v[kind] !== undefined),
        hostPath: text(obj(v.hostPath).path),
        medium: text(obj(v.emptyDir).medium),
        pdName: text(obj(v.gcePersistentDisk).pdName),
        fsType: text(obj(v.gcePersistentDisk).fsType),
        partition: text(obj(v.gcePersistentDisk).partition),
      };
    }),
    restartPolicy: text(spec.restartPolicy),
  };
}

/** "pinned" when the image names a digest. */
export function isPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image.trim());
}

/** konlet's three, case-sensitive (reference/konlet-spec.md §1.2). */
export const restartPolicies = ['Always', 'OnFailure', 'Never'] as const;
