import type { DeclarationDiagnostic, DeclarationMode, Range } from '../model';
import type { ParsedDeclaration } from '../parse';

/** What every rule module gets: the parsed declaration, the mode, and a way to find ranges. */
export interface RuleContext {
  readonly parsed: ParsedDeclaration;
  readonly mode: DeclarationMode;
  /** Range of the value (or key) at a path; falls back to the nearest present parent, then the first line. */
  readonly at: (path: string, part?: 'key' | 'value') => Range;
  readonly report: (diagnostic: DeclarationDiagnostic) => void;
}

export type Rule = (context: RuleContext) => void;

/** konlet's check order (reference/konlet-spec.md §1.4), used to pick the error konlet would report first. */
export const konletStage = {
  parse: 2,
  containerCount: 3,
  pull: 6,
  volumeReferences: 9,
  /** Per volume, in list order: 11 + index/1000, its settings just after. */
  volumeKinds: 11,
  restartPolicy: 14,
  dockerCreate: 15,
} as const;

/** Data carried by diagnostics that konlet itself would fail on. */
export function konletData(stage: number, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { konletStage: stage, konletMessage: message, ...extra };
}

export function createContext(parsed: ParsedDeclaration, mode: DeclarationMode, out: DeclarationDiagnostic[]): RuleContext {
  const firstLine: Range = parsed.range(0, Math.max(0, parsed.text.indexOf('\n') >= 0 ? parsed.text.indexOf('\n') : parsed.text.length));
  return {
    parsed,
    mode,
    at: (path, part = 'value') => {
      for (let current = path; ; ) {
        const location = parsed.locations.get(current);
        if (location) return (part === 'key' && location.key) || location.value;
        const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
        if (cut <= 0) return firstLine;
        current = current.slice(0, cut);
        part = 'key';
      }
    },
    report: (diagnostic) => {
      out.push(diagnostic);
    },
  };
}
