import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, injected, type ErrorBody } from './apiError';
import { controlRouter } from './control';
import { registerImageRoutes } from './images';
import { registerConsoleRoutes } from './instanceConsole';
import { registerInstanceMetadataRoutes } from './instanceMetadata';
import { registerPowerRoutes } from './instancePower';
import { registerInstanceRoutes } from './instanceRoutes';
import { parseBody } from './json';
import { registerMigRoutes } from './migRoutes';
import { registerOperationRoutes } from './operationRoutes';
import { osLoginRouter } from './osLogin';
import { registerProjectRoutes } from './projectRoutes';
import { Router } from './router';
import { registerTemplateRoutes } from './templates';
import type { World } from './world';
import { registerZoneRoutes } from './zoneRoutes';
import type { LoggedRequest } from './requestLog';

const API_PREFIX = '/compute/v1/';
const CONTROL_PREFIX = '/emulator/';
/** OS Login (`oslogin.googleapis.com/v1/…`) shares the origin: cosvm derives its base from the Compute endpoint. */
const OSLOGIN_PREFIX = '/v1/';

export function computeRouter(world: World): Router {
  const router = new Router();
  registerProjectRoutes(router, world);
  registerZoneRoutes(router, world);
  registerInstanceRoutes(router, world);
  registerPowerRoutes(router, world);
  registerInstanceMetadataRoutes(router, world);
  registerConsoleRoutes(router, world);
  registerTemplateRoutes(router, world);
  registerMigRoutes(router, world);
  registerOperationRoutes(router, world);
  registerImageRoutes(router);
  return router;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown, logged?: LoggedRequest): void {
  if (logged) logged.status = status;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function errorBody(status: number, reason: string, message: string): ErrorBody {
  return { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One request: control or API routing, fault injection for the API, Google error bodies for failures. */
async function handle(world: World, api: Router, control: Router, osLogin: Router, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const method = request.method ?? 'GET';
  const text = await readBody(request);
  let router: Router;
  let path: string;
  let logged: LoggedRequest | undefined;
  if (url.pathname.startsWith(API_PREFIX)) {
    router = api;
    path = url.pathname.slice(API_PREFIX.length);
    logged = world.requests.add({ method, path, query: url.searchParams, status: 0 });
    if (world.faults.latencyMs > 0) await sleep(world.faults.latencyMs);
    const failure = world.faults.takeFailure(method, path);
    if (failure) {
      const error = injected(failure);
      send(response, error.status, error.body(), logged);
      return;
    }
  } else if (url.pathname.startsWith(OSLOGIN_PREFIX)) {
    router = osLogin;
    path = url.pathname.slice(OSLOGIN_PREFIX.length);
  } else if (url.pathname.startsWith(CONTROL_PREFIX)) {
    router = control;
    path = url.pathname.slice(CONTROL_PREFIX.length);
  } else {
    send(response, 404, errorBody(404, 'notFound', `The requested URL ${url.pathname} was not found on this server.`));
    return;
  }
  const match = router.match(method, path);
  if (match === undefined) {
    send(response, 404, errorBody(404, 'notFound', `The requested URL ${url.pathname} was not found on this server.`), logged);
    return;
  }
  if (match === 'method-not-allowed') {
    send(response, 405, errorBody(405, 'httpMethodNotAllowed', `HTTP method ${method} is not supported by this URL`), logged);
    return;
  }
  try {
    const params = match.params;
    const result: unknown = await match.handler({
      method,
      query: url.searchParams,
      body: parseBody(text),
      param: (name) => {
        const value = params.get(name);
        if (value === undefined) throw new Error(`route has no parameter ${name}`);
        return value;
      },
    });
    send(response, 200, result, logged);
  } catch (error) {
    if (error instanceof ApiError) {
      send(response, error.status, error.body(), logged);
    } else {
      world.reportHostError(error);
      send(response, 500, errorBody(500, 'backendError', error instanceof Error ? error.message : String(error)), logged);
    }
  }
}

/** Starts listening on 127.0.0.1 (port 0 = any free port). */
export async function listen(world: World, port: number): Promise<http.Server> {
  const api = computeRouter(world);
  const control = controlRouter(world);
  const osLogin = osLoginRouter(world);
  const server = http.createServer((request, response) => {
    handle(world, api, control, osLogin, request, response).catch((error: unknown) => {
      world.reportHostError(error);
      if (!response.headersSent) send(response, 500, errorBody(500, 'backendError', 'internal emulator error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
