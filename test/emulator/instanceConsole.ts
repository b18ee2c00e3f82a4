import { guestAttributeNotFound, invalidField } from './apiError';
import type { Router } from './router';
import { findVm } from './scopes';
import type { World } from './world';

/** getSerialPortOutput (§2.5) and getGuestAttributes (§2.6): what a VM says without SSH. */
export function registerConsoleRoutes(router: Router, world: World): void {
  const base = 'projects/{project}/zones/{zone}/instances/{instance}';

  router.add('GET', `${base}/serialPort`, (request) => {
    const vm = findVm(world, request.param('project'), request.param('zone'), request.param('instance'));
    const rawPort = request.query.get('port') ?? '1';
    const port = Number(rawPort);
    if (!Number.isInteger(port) || port < 1 || port > 4) throw invalidField('port', rawPort, 'Must be between 1 and 4.');
    world.lifecycle.bootIfPending(vm);
    // Only port 1 (the console) carries output; 2–4 exist but stay empty.
    const read = port === 1 ? vm.serial.read(request.query.get('start')) : { contents: '', start: '0', next: '0' };
    return { kind: 'compute#serialPortOutput', ...read, selfLink: `${vm.resource.selfLink}/serialPort?port=${port}` };
  });

  router.add('GET', `${base}/getGuestAttributes`, (request) => {
    const vm = findVm(world, request.param('project'), request.param('zone'), request.param('instance'));
    world.lifecycle.bootIfPending(vm);
    const selfLink = `${vm.resource.selfLink}/getGuestAttributes`;
    const variableKey = request.query.get('variableKey');
    if (variableKey) {
      const value = vm.guest.get(variableKey);
      if (value === undefined) throw guestAttributeNotFound(variableKey);
      return { kind: 'compute#guestAttributes', variableKey, variableValue: value, selfLink };
    }
    const queryPath = request.query.get('queryPath') ?? '';
    const items = vm.guest.query(queryPath);
    if (items.length === 0) throw guestAttributeNotFound(queryPath);
    return { kind: 'compute#guestAttributes', queryPath, queryValue: { items }, selfLink };
  });
}
