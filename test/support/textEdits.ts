import type { Position, Range } from '../../src/core/declaration/model';

function offsetOf(text: string, position: Position): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let l = 0; l < position.line && l < lines.length; l++) offset += (lines[l]?.length ?? 0) + 1;
  return Math.min(text.length, offset + position.character);
}

/** Applies non-overlapping edits the way an editor does. */
export function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const edit of sorted) out = out.slice(0, offsetOf(out, edit.range.start)) + edit.newText + out.slice(offsetOf(out, edit.range.end));
  return out;
}
