import * as assert from 'node:assert/strict';
import { guessServicePorts } from '../../../../src/core/declaration/ports';
import { parseDeclaration } from '../../../../src/core/declaration/parse';

const ports = (yaml: string) => guessServicePorts(parseDeclaration(yaml).declaration);

describe('service ports guessed from a declaration (tunnel pre-fill)', () => {
  it('reads port flags, host:port arguments and PORT-like env values, once each, in order', () => {
    const yaml = `spec:
  containers:
  - name: web
    image: busybox
    command: [/bin/busybox]
    args: [httpd, -f, -p, "8080", -h, /www]
    env:
    - name: PORT
      value: "8080"
    - name: ADMIN_PORT
      value: "9090"
  - name: api
    image: api
    args: ["--listen=0.0.0.0:3000", ":6060", "--port", "abc"]
`;
    assert.deepEqual(ports(yaml), [8080, 9090, 3000, 6060]);
  });

  it('finds nothing where nothing says a port, and ignores numbers out of range', () => {
    assert.deepEqual(ports('spec:\n  containers:\n  - name: w\n    image: w\n    args: [sleep, "80"]\n    env:\n    - name: PORT\n      value: "70000"\n'), []);
  });
});
