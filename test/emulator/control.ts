import { invalid } from './apiError';
import { asRecord, optionalBoolean, optionalInteger, optionalString } from './json';
import { Router } from './router';
import { seed } from './seed';
import { findVm } from './scopes';
import type { World } from './world';

/**
 * `/emulator/…`: the same controls as the JS API, for drivers in another process (the playground, e2e
 * tests that start `main.js`). Never subject to fault injection.
 */
export function controlRouter(world: World): Router {
  const router = new Router();
  const required = (record: Record<string, unknown>, key: string): string => {
    const value = optionalString(record, key, key);
    if (!value) throw invalid(`'${key}' is required.`);
    return value;
  };

  router.add('GET', 'health', () => ({ ok: true }));

  router.add('POST', 'projects', (request) => {
    world.projects.create(required(asRecord(request.body, 'body'), 'project'));
    return { ok: true };
  });

  router.add('POST', 'seed', (request) => {
    const body = asRecord(request.body, 'body');
    const zones = Array.isArray(body['zones']) ? (body['zones'] as unknown[]).filter((zone): zone is string => typeof zone === 'string') : [];
    const running = optionalBoolean(body, 'running', 'running');
    seed(world, { project: required(body, 'project'), zones, instancesPerZone: optionalInteger(body, 'instancesPerZone', 'instancesPerZone') ?? 1, ...(running !== undefined ? { running } : {}) });
    return { ok: true };
  });

  router.add('POST', 'faults', (request) => {
    const body = asRecord(request.body, 'body');
    if (optionalBoolean(body, 'reset', 'reset')) world.faults.reset();
    const latencyMs = optionalInteger(body, 'latencyMs', 'latencyMs');
    if (latencyMs !== undefined) world.faults.latencyMs = latencyMs;
    if (body['failNext'] !== undefined) {
      const failNext = asRecord(body['failNext'], 'failNext');
      const status = optionalInteger(failNext, 'status', 'failNext.status');
      if (status !== 429 && status !== 503) throw invalid("'failNext.status' must be 429 or 503.");
      const method = optionalString(failNext, 'method', 'failNext.method');
      const path = optionalString(failNext, 'path', 'failNext.path');
      world.faults.failNext(optionalInteger(failNext, 'count', 'failNext.count') ?? 1, status, {
        ...(method ? { method } : {}), ...(path ? { path: new RegExp(path) } : {}),
      });
    }
    if (body['failNextOperation'] !== undefined) {
      const operation = asRecord(body['failNextOperation'], 'failNextOperation');
      world.faults.failNextOperation(required(operation, 'message'), optionalString(operation, 'code', 'code'));
    }
    return { ok: true };
  });

  router.add('POST', 'settle', async () => {
    await world.scheduler.settle();
    return { ok: true };
  });

  router.add('POST', 'serial', (request) => {
    const body = asRecord(request.body, 'body');
    findVm(world, required(body, 'project'), required(body, 'zone'), required(body, 'instance')).serial.append(required(body, 'text'));
    return { ok: true };
  });

  router.add('POST', 'guestAttributes', (request) => {
    const body = asRecord(request.body, 'body');
    const vm = findVm(world, required(body, 'project'), required(body, 'zone'), required(body, 'instance'));
    vm.guest.set(required(body, 'namespace'), required(body, 'key'), required(body, 'value'));
    return { ok: true };
  });
  return router;
}
