/** Compute Engine limits one metadata value to 256 KiB (gcloud MAX_METADATA_VALUE_SIZE_IN_BYTES). */
import type { Rule } from './context';

export const metadataValueLimit = 262_144;

export const metadataSize: Rule = ({ parsed, report }) => {
  // The source text is what we measure; aliases can expand far beyond it when rendered, so then we
  // measure the expanded declaration too.
  let size = Buffer.byteLength(parsed.text);
  if (parsed.text.includes('*')) size = Math.max(size, Buffer.byteLength(JSON.stringify(parsed.declaration)));
  if (size <= metadataValueLimit) return;
  report({
    severity: 'error',
    code: 'cosvm/metadata-too-large',
    message: `The declaration is ${Math.ceil(size / 1024)} KiB; a metadata value may hold at most 256 KiB.`,
    range: parsed.range(0, Math.min(parsed.text.length, parsed.text.indexOf('\n') >= 0 ? parsed.text.indexOf('\n') : parsed.text.length)),
    data: { size, limit: metadataValueLimit },
  });
};
