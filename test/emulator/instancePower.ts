import { ApiError, resourceNotReady } from './apiError';
import type { OperationResource } from './operations';
import type { RequestContext, Router } from './router';
import { findVm } from './scopes';
import type { VmRecord } from './vm';
import type { World } from './world';

/**
 * A lifecycle operation on one instance. Compute refuses a second one while the first runs; so does the
 * emulator (400 resourceNotReady), which also keeps host hooks for one VM strictly sequential.
 */
export function beginVmOperation(world: World, vm: VmRecord, operationType: string, work: (() => Promise<void>) | undefined): OperationResource {
  if (vm.busy) throw resourceNotReady(vm.path);
  return world.operations.begin({
    project: vm.project, scope: { kind: 'zone', zone: vm.zone }, operationType,
    targetLink: vm.resource.selfLink, targetId: vm.resource.id,
    prepare: () => {
      if (work) vm.busy = operationType;
    },
    work: async () => {
      if (!work) return;
      try {
        await work();
      } finally {
        vm.busy = undefined;
      }
    },
  });
}

/** instances.start / stop / reset / delete with the status transitions of §2.1. */
export function registerPowerRoutes(router: Router, world: World): void {
  const base = 'projects/{project}/zones/{zone}/instances/{instance}';
  const vmOf = (request: RequestContext) =>
    findVm(world, request.param('project'), request.param('zone'), request.param('instance'));

  router.add('POST', `${base}/start`, (request) => {
    const vm = vmOf(request);
    const status = vm.resource.status;
    // Starting a running instance is a no-op that still returns an operation, like Compute.
    if (status === 'RUNNING') return beginVmOperation(world, vm, 'start', undefined);
    if (status !== 'TERMINATED' && status !== 'STOPPED') throw resourceNotReady(vm.path);
    return beginVmOperation(world, vm, 'start', () => world.lifecycle.start(vm));
  });

  router.add('POST', `${base}/stop`, (request) => {
    const vm = vmOf(request);
    const status = vm.resource.status;
    if (status === 'TERMINATED' || status === 'STOPPED') return beginVmOperation(world, vm, 'stop', undefined);
    if (status !== 'RUNNING') throw resourceNotReady(vm.path);
    return beginVmOperation(world, vm, 'stop', () => world.lifecycle.stop(vm));
  });

  router.add('POST', `${base}/reset`, (request) => {
    const vm = vmOf(request);
    if (vm.resource.status !== 'RUNNING') throw resourceNotReady(vm.path);
    return beginVmOperation(world, vm, 'reset', () => world.lifecycle.reset(vm));
  });

  router.add('DELETE', base, (request) => {
    const vm = vmOf(request);
    if (vm.resource.deletionProtection) {
      throw new ApiError(400, 'resourceInUseByAnotherResource', `Invalid resource usage: 'Resource cannot be deleted if it's protected against deletion.'.`);
    }
    return beginVmOperation(world, vm, 'delete', async () => {
      await world.lifecycle.destroy(vm);
      // A MIG replaces a member deleted behind its back, as the real one does.
      if (vm.owner) world.rollout.kickOwner(vm.project, vm.owner);
    });
  });
}
