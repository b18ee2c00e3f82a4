import { notFound } from './apiError';
import type { Router } from './router';
import { computeTimestamp } from './time';
import { API_ROOT, link, relativePath } from './urls';

/** What the emulator knows of a boot image: enough to fill disks, licences and COS boot lines. */
export interface ImageInfo {
  project: string;
  name: string;
  family: string;
  /** e.g. `117-18613.164.4`; empty for non-COS images. */
  cosVersion: string;
  milestone: string;
  id: string;
}

/** cos-cloud's families with plausible current builds (names illustrative, gce-api-notes §2.9). */
const COS_IMAGES: readonly ImageInfo[] = [
  { project: 'cos-cloud', family: 'cos-stable', name: 'cos-stable-121-18867-90-4', cosVersion: '121-18867.90.4', milestone: '121', id: '4725316489165923174' },
  { project: 'cos-cloud', family: 'cos-beta', name: 'cos-beta-125-19216-0-43', cosVersion: '125-19216.0.43', milestone: '125', id: '1394752817305812447' },
  { project: 'cos-cloud', family: 'cos-dev', name: 'cos-dev-129-19506-0-2', cosVersion: '129-19506.0.2', milestone: '129', id: '8821944361203359516' },
  { project: 'cos-cloud', family: 'cos-121-lts', name: 'cos-121-18867-90-4', cosVersion: '121-18867.90.4', milestone: '121', id: '5509213347716012254' },
  { project: 'cos-cloud', family: 'cos-117-lts', name: 'cos-117-18613-164-4', cosVersion: '117-18613.164.4', milestone: '117', id: '2204985577140336961' },
];

export const DEFAULT_IMAGE = COS_IMAGES[0] as ImageInfo;

const CREATED = computeTimestamp(Date.UTC(2026, 9, 1, 17, 0, 0));

/** Resolves `sourceImage` (family or image, URL or partial path). Unknown non-COS images are taken at face value. */
export function resolveImage(sourceImage: string | undefined): ImageInfo {
  if (!sourceImage) return DEFAULT_IMAGE;
  const path = relativePath(sourceImage);
  const family = /^projects\/([^/]+)\/global\/images\/family\/([^/]+)$/.exec(path);
  if (family) {
    const known = COS_IMAGES.find((image) => image.project === family[1] && image.family === family[2]);
    if (known) return known;
    if (family[1] === 'cos-cloud') throw notFound(path);
    return { project: family[1] as string, family: family[2] as string, name: `${family[2] as string}-v20261001`, cosVersion: '', milestone: '', id: '0' };
  }
  const image = /^projects\/([^/]+)\/global\/images\/([^/]+)$/.exec(path);
  if (image) {
    const known = COS_IMAGES.find((candidate) => candidate.project === image[1] && candidate.name === image[2]);
    if (known) return known;
    if (image[1] === 'cos-cloud') throw notFound(path);
    return { project: image[1] as string, family: '', name: image[2] as string, cosVersion: '', milestone: '', id: '0' };
  }
  return DEFAULT_IMAGE;
}

export function isCos(image: ImageInfo): boolean {
  return image.project === 'cos-cloud';
}

/** Licences a COS boot disk carries; clients use them to tell COS from other images. */
export function imageLicenses(image: ImageInfo): string[] {
  return isCos(image) ? [`${API_ROOT}/projects/cos-cloud/global/licenses/cos`, `${API_ROOT}/projects/cos-cloud-shielded/global/licenses/shielded-cos`] : [];
}

function imageJson(image: ImageInfo): Record<string, unknown> {
  return {
    kind: 'compute#image', id: image.id, creationTimestamp: CREATED, name: image.name,
    description: `Google, Container-Optimized OS, ${image.cosVersion}, Kernel: ChromiumOS-6.6.56 Kubernetes: 1.32.0 Docker: 24.0.13 Family: ${image.family}, supports Shielded VM features`,
    sourceType: 'RAW', rawDisk: { source: '', containerType: 'TAR' }, status: 'READY', archiveSizeBytes: '2411417152', diskSizeGb: '10',
    licenses: imageLicenses(image), family: image.family, labelFingerprint: '42WmSpB8rSM=',
    guestOsFeatures: [{ type: 'VIRTIO_SCSI_MULTIQUEUE' }, { type: 'SEV_CAPABLE' }, { type: 'UEFI_COMPATIBLE' }, { type: 'GVNIC' }, { type: 'IDPF' }],
    storageLocations: ['asia', 'eu', 'us'], architecture: 'X86_64', shieldedInstanceInitialState: {},
    selfLink: link(`projects/${image.project}/global/images/${image.name}`),
  };
}

export function registerImageRoutes(router: Router): void {
  router.add('GET', 'projects/{project}/global/images/family/{family}', (request) => {
    const project = request.param('project');
    const family = request.param('family');
    const image = COS_IMAGES.find((candidate) => candidate.project === project && candidate.family === family);
    if (!image) throw notFound(`projects/${project}/global/images/family/${family}`);
    return imageJson(image);
  });
  router.add('GET', 'projects/{project}/global/images/{image}', (request) => {
    const project = request.param('project');
    const name = request.param('image');
    const image = COS_IMAGES.find((candidate) => candidate.project === project && candidate.name === name);
    if (!image) throw notFound(`projects/${project}/global/images/${name}`);
    return imageJson(image);
  });
}
