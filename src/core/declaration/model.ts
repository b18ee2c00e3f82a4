/**
 * The container declaration as konlet reads it (reference/konlet-spec.md §1.2), after konlet's typing
 * (§1.3): string fields hold the raw scalar text, booleans are YAML 1.1 booleans. A key that was absent
 * is `undefined`; one that was present stays present (even `[]` or `false`), so a gcloud-written value
 * renders back byte for byte.
 */

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export const restartPolicies: readonly RestartPolicy[] = ['Always', 'OnFailure', 'Never'];

export interface EnvVar {
  name?: string;
  /** `null` when written as `value: null` (gcloud's update-container does that). */
  value?: string | null;
}

export interface VolumeMount {
  name?: string;
  mountPath?: string;
  readOnly?: boolean;
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  securityContext?: { privileged?: boolean };
  stdin?: boolean;
  tty?: boolean;
}

export interface Volume {
  name?: string;
  hostPath?: { path?: string };
  emptyDir?: { medium?: string };
  gcePersistentDisk?: { pdName?: string; fsType?: string; partition?: number };
}

export interface DeclarationSpec {
  containers?: Container[];
  volumes?: Volume[];
  /** Raw text; validation checks it against `restartPolicies`. */
  restartPolicy?: string;
}

export interface Declaration {
  spec?: DeclarationSpec;
}

/** Validation and rendering modes: konlet's own rules, or our cloud-init rendering (the default). */
export type DeclarationMode = 'konlet' | 'cloud-init';

/** Zero-based position, as in LSP and VS Code. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface DeclarationDiagnostic {
  severity: Severity;
  /** Stable, e.g. `cosvm/volume-not-found`; quick fixes match on it, never on the message. */
  code: string;
  message: string;
  range: Range;
  /** What the quick fix for this code needs. */
  data?: Record<string, unknown>;
}
