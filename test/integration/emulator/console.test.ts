import * as assert from 'node:assert/strict';
import { SERIAL_CAPACITY, startEmulator, type Emulator } from '../../emulator';
import { computeClients, rejection, waitDone, type Clients } from './computeClients';

const project = 'console-project';
const zone = 'us-west1-a';

function body(name: string, metadata: Record<string, string>) {
  return { name, machineType: 'e2-small', metadata: { items: Object.entries(metadata).map(([key, value]) => ({ key, value })) } };
}

describe('Compute emulator: serial port, guest attributes and images through the real client', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let clients: Clients;

  beforeEach(async () => {
    emulator = await startEmulator({ stepMs: 5, randomSeed: 6 });
    clients = computeClients(emulator);
  });

  afterEach(async () => {
    await emulator.close();
  });

  async function insert(name: string, metadata: Record<string, string>) {
    await waitDone(clients, project, await clients.instances.insert({ project, zone, instanceResource: body(name, metadata) }));
    return { project, zone, instance: name };
  }

  it('follows serial output with start/next (strings), and a negative start reads the tail', async () => {
    const request = await insert('serial-1', {});
    const [boot] = await clients.instances.getSerialPortOutput({ ...request, port: 1 });
    assert.equal(boot.kind, 'compute#serialPortOutput');
    assert.equal(boot.start, '0', 'int64 start/next decode as strings');
    assert.equal(typeof boot.next, 'string');
    assert.equal(Number(boot.next), Buffer.byteLength(boot.contents ?? ''));
    assert.match(boot.contents ?? '', /SeaBIOS[\s\S]*GCE Agent Started[\s\S]*serial-1 login: /);

    const io = emulator.instanceIo(project, zone, 'serial-1');
    io.appendSerial('line one\nline two\n');
    const [more] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: boot.next ?? '' });
    assert.equal(more.contents, 'line one\nline two\n');
    assert.equal(more.start, boot.next);
    const [nothing] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: more.next ?? '' });
    assert.deepEqual([nothing.contents, nothing.start, nothing.next], ['', more.next, more.next]);
    const [tail] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: '-9' });
    assert.equal(tail.contents, 'line two\n');
    assert.equal(tail.start, String(Number(more.next) - 9));

    const [port2] = await clients.instances.getSerialPortOutput({ ...request, port: 2 });
    assert.deepEqual([port2.contents, port2.start, port2.next], ['', '0', '0']);
    const badPort = await rejection(clients.instances.getSerialPortOutput({ ...request, port: 5 }));
    assert.equal(badPort.httpStatusCode, 400);
  });

  it('keeps only the last 1 MiB and moves a discarded start up to the oldest byte held', async () => {
    const request = await insert('serial-2', {});
    const io = emulator.instanceIo(project, zone, 'serial-2');
    const [first] = await clients.instances.getSerialPortOutput({ ...request, port: 1 });
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 1200; i++) io.appendSerial(line);
    const written = Number(first.next) + 1200 * 1024;
    const [read] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: first.next ?? '' });
    assert.equal(read.next, String(written));
    assert.equal(read.start, String(written - SERIAL_CAPACITY), 'start moved past the discarded bytes');
    assert.ok(Number(read.start) > Number(first.next), 'the caller can tell it lost output');
    assert.equal(Buffer.byteLength(read.contents ?? ''), SERIAL_CAPACITY);
    const [fromZero] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: '0' });
    assert.equal(fromZero.start, read.start);
    const [beyond] = await clients.instances.getSerialPortOutput({ ...request, port: 1, start: String(written + 500) });
    assert.deepEqual([beyond.contents, beyond.start, beyond.next], ['', String(written), String(written)]);
  });

  it('writes cloud-init and konlet-startup lines for the metadata an instance boots with', async () => {
    const cloudInit = await insert('ci-1', { 'user-data': '#cloud-config\nruncmd: []\n' });
    const konlet = await insert('klt-1', { 'gce-container-declaration': 'spec:\n  containers:\n  - name: web\n    image: gcr.io/p/web@sha256:abc\n' });
    const [ci] = await clients.instances.getSerialPortOutput({ ...cloudInit, port: 1 });
    assert.match(ci.contents ?? '', /cloud-init\[\d+\]: Cloud-init v\. [\d.]+ finished at .* Datasource DataSourceGCELocal/);
    assert.doesNotMatch(ci.contents ?? '', /konlet-startup/);
    const [kl] = await clients.instances.getSerialPortOutput({ ...konlet, port: 1 });
    const text = kl.contents ?? '';
    assert.match(text, /konlet-startup\[\d+\]: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Starting Konlet container startup agent/);
    assert.match(text, /Downloading credentials for default VM service account from metadata server/);
    assert.match(text, /Launching user container 'gcr\.io\/p\/web@sha256:abc'/);
    assert.match(text, /Configured container 'web' will be started with name 'klt-web-[a-z]{4}'\./);
  });

  it("answers guest attributes 404 with gcloud's text when absent, and serves hostkeys when enabled", async () => {
    const plain = await insert('ga-1', {});
    const absent = await rejection(clients.instances.getGuestAttributes({ ...plain, queryPath: 'hostkeys/' }));
    assert.equal(absent.httpStatusCode, 404);
    assert.equal(absent.message, "The resource 'hostkeys/' of type 'Guest Attribute' was not found.");

    const enabled = await insert('ga-2', { 'enable-guest-attributes': 'TRUE' });
    const [attributes] = await clients.instances.getGuestAttributes({ ...enabled, queryPath: 'hostkeys/' });
    assert.equal(attributes.queryPath, 'hostkeys/');
    const items = attributes.queryValue?.items ?? [];
    assert.deepEqual(items.map((item) => [item.namespace, item.key]), [['hostkeys', 'ecdsa-sha2-nistp256'], ['hostkeys', 'ssh-ed25519']]);
    for (const item of items) {
      // The value is the SSH wire blob: a length-prefixed key type first (§3.5).
      const blob = Buffer.from(item.value ?? '', 'base64');
      assert.equal(blob.subarray(4, 4 + blob.readUInt32BE(0)).toString(), item.key);
    }
    const [one] = await clients.instances.getGuestAttributes({ ...enabled, variableKey: 'hostkeys/ssh-ed25519' });
    assert.equal(one.variableValue, items.find((item) => item.key === 'ssh-ed25519')?.value);
    const missingKey = await rejection(clients.instances.getGuestAttributes({ ...enabled, variableKey: 'hostkeys/ssh-rsa' }));
    assert.equal(missingKey.message, "The resource 'hostkeys/ssh-rsa' of type 'Guest Attribute' was not found.");

    // Enabling at project level and telling the VM (metadata change) publishes them too.
    const [projectInfo] = await clients.projects.get({ project });
    await waitDone(clients, project, await clients.projects.setCommonInstanceMetadata({ project, metadataResource: { fingerprint: projectInfo.commonInstanceMetadata?.fingerprint ?? '', items: [{ key: 'enable-guest-attributes', value: 'true' }] } }));
    const [later] = await clients.instances.getGuestAttributes({ ...plain, queryPath: 'hostkeys/' });
    assert.equal(later.queryValue?.items?.length, 2);
  });

  it('resolves COS image families with getFromFamily, and 404s an unknown family', async () => {
    for (const family of ['cos-stable', 'cos-beta', 'cos-dev']) {
      const [image] = await clients.images.getFromFamily({ project: 'cos-cloud', family });
      assert.equal(image.family, family);
      assert.equal(image.status, 'READY');
      assert.match(image.name ?? '', new RegExp(`^${family}-\\d+-\\d+-\\d+-\\d+$`));
      assert.equal(image.selfLink, `https://www.googleapis.com/compute/v1/projects/cos-cloud/global/images/${image.name ?? ''}`);
      const [byName] = await clients.images.get({ project: 'cos-cloud', image: image.name ?? '' });
      assert.equal(byName.id, image.id);
    }
    const unknown = await rejection(clients.images.getFromFamily({ project: 'cos-cloud', family: 'cos-nope' }));
    assert.equal(unknown.httpStatusCode, 404);
    assert.equal(unknown.message, "The resource 'projects/cos-cloud/global/images/family/cos-nope' was not found");
  });
});
