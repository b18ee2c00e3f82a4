import { staleLabelFingerprint, staleMetadataFingerprint } from './apiError';
import { asRecord, optionalString, optionalStringMap } from './json';
import { parseMetadataItems, validateLabels } from './metadata';
import type { Router } from './router';
import { findVm } from './scopes';
import type { World } from './world';

/**
 * instances.setMetadata / setLabels (gce-api-notes §2.4): the whole set is replaced; the request's
 * fingerprint must equal the current one (a missing one does not, as the Metadata docs say), else 412
 * conditionNotMet. The change and its new fingerprint are visible at once, so a concurrent writer that
 * read before it gets the 412; the operation finishes after the VmHost heard about it.
 */
export function registerInstanceMetadataRoutes(router: Router, world: World): void {
  const base = 'projects/{project}/zones/{zone}/instances/{instance}';

  router.add('POST', `${base}/setMetadata`, (request) => {
    const vm = findVm(world, request.param('project'), request.param('zone'), request.param('instance'));
    const body = asRecord(request.body, 'resource');
    const fingerprint = optionalString(body, 'fingerprint', 'resource.fingerprint');
    const items = parseMetadataItems(body['items'], 'resource.items');
    if (fingerprint !== vm.resource.metadata.fingerprint) throw staleMetadataFingerprint();
    return world.operations.begin({
      project: vm.project, scope: { kind: 'zone', zone: vm.zone }, operationType: 'setMetadata',
      targetLink: vm.resource.selfLink, targetId: vm.resource.id,
      prepare: () => {
        vm.resource.metadata = { kind: 'compute#metadata', fingerprint: world.ids.fingerprint(), items };
      },
      work: () => world.lifecycle.metadataChanged(vm),
    });
  });

  router.add('POST', `${base}/setLabels`, (request) => {
    const vm = findVm(world, request.param('project'), request.param('zone'), request.param('instance'));
    const body = asRecord(request.body, 'resource');
    const fingerprint = optionalString(body, 'labelFingerprint', 'resource.labelFingerprint');
    const labels = validateLabels(optionalStringMap(body, 'labels', 'resource.labels') ?? {}, 'resource.labels');
    if (fingerprint !== vm.resource.labelFingerprint) throw staleLabelFingerprint();
    return world.operations.begin({
      project: vm.project, scope: { kind: 'zone', zone: vm.zone }, operationType: 'setLabels',
      targetLink: vm.resource.selfLink, targetId: vm.resource.id,
      prepare: () => {
        vm.resource.labels = labels;
        vm.resource.labelFingerprint = world.ids.fingerprint();
      },
    });
  });
}
