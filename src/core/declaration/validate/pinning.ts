/** Images without a digest drift: konlet pulls on every boot, so MIG members can run different images. */
import type { Rule } from './context';

export const imageDigest: Rule = ({ parsed, mode, at, report }) => {
  (parsed.declaration.spec?.containers ?? []).forEach((container, index) => {
    const image = container.image;
    if (!image || /@sha256:[a-f0-9]{64}$/.test(image)) return;
    report({
      severity: 'warning',
      code: 'cosvm/image-unpinned',
      message: `"${image}" has no digest: ${mode === 'konlet' ? 'konlet pulls it again on every boot' : 'each boot pulls whatever the tag points to'}, so VMs drift apart. Pin it as image@sha256:….`,
      range: at(`spec.containers[${index}].image`),
      data: { image, containerIndex: index },
    });
  });
};
