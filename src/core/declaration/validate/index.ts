/**
 * Validation of a declaration: the reader's syntax and typing diagnostics, then one module per rule
 * family (STYLE §5.16). Never throws; every range lies inside the document.
 */
import type { DeclarationDiagnostic, DeclarationMode } from '../model';
import { parseDeclaration, type ParsedDeclaration } from '../parse';
import { cloudInitUnits } from './cloudInit';
import { createContext, type Rule } from './context';
import { cosHostPaths } from './cosPaths';
import { imageDigest } from './pinning';
import { secretsInEnv } from './secrets';
import { metadataSize } from './size';
import { containerCount, containers, images, restartPolicy, volumeDefinitions, volumeReferences } from './structure';

const rules: readonly Rule[] = [containerCount, images, containers, volumeReferences, volumeDefinitions, restartPolicy, cloudInitUnits, cosHostPaths, secretsInEnv, imageDigest, metadataSize];

export interface ValidateOptions {
  /** `cloud-init` (default) or `konlet`. */
  mode?: DeclarationMode;
}

export function validateParsed(parsed: ParsedDeclaration, options: ValidateOptions = {}): DeclarationDiagnostic[] {
  const diagnostics = [...parsed.diagnostics];
  // Rules read the typed declaration; after a syntax error it is empty, and its diagnostics would only add noise.
  if (diagnostics.some((d) => d.code === 'cosvm/yaml-syntax')) return diagnostics;
  const context = createContext(parsed, options.mode ?? 'cloud-init', diagnostics);
  for (const rule of rules) rule(context);
  return diagnostics;
}

export function validateDeclaration(text: string, options: ValidateOptions = {}): DeclarationDiagnostic[] {
  return validateParsed(parseDeclaration(text), options);
}

export type KonletVerdict = { verdict: 'accepted' } | { verdict: 'rejected'; message: string; diagnostic: DeclarationDiagnostic };

/** What konlet itself would do: the first failure in its check order (reference/konlet-spec.md §1.4). */
export function konletVerdict(diagnostics: readonly DeclarationDiagnostic[]): KonletVerdict {
  let first: { stage: number; message: string; diagnostic: DeclarationDiagnostic } | undefined;
  for (const diagnostic of diagnostics) {
    const stage = diagnostic.code === 'cosvm/yaml-syntax' || diagnostic.code === 'cosvm/type-mismatch' ? 2 : diagnostic.data?.['konletStage'];
    const message = diagnostic.data?.['konletMessage'] ?? (diagnostic.code === 'cosvm/yaml-syntax' ? diagnostic.message : undefined);
    if (typeof stage !== 'number' || typeof message !== 'string') continue;
    if (!first || stage < first.stage) first = { stage, message, diagnostic };
  }
  return first ? { verdict: 'rejected', message: first.message, diagnostic: first.diagnostic } : { verdict: 'accepted' };
}
