import * as assert from 'node:assert/strict';
import { osLoginAccess, osLoginEnabled, pickPosixUsername } from '../../../../src/core/gce/osLogin';

const items = (value: string | undefined) => (value === undefined ? [{ key: 'other', value: 'x' }] : [{ key: 'enable-oslogin', value }]);

describe('OS Login: enablement, endpoint and user name', () => {
  it('takes the instance value when it has one, else the project value; TRUE in any case', () => {
    assert.equal(osLoginEnabled(items('TRUE'), items(undefined)), true);
    assert.equal(osLoginEnabled(items('true'), items('FALSE')), true);
    assert.equal(osLoginEnabled(items('FALSE'), items('TRUE')), false, 'the instance value wins, even FALSE');
    assert.equal(osLoginEnabled(items(undefined), items('True')), true);
    assert.equal(osLoginEnabled(items(undefined), items(undefined)), false);
    assert.equal(osLoginEnabled(undefined, null), false);
    assert.equal(osLoginEnabled(items(' TRUE '), []), true);
    assert.equal(osLoginEnabled(items('yes'), []), false);
  });

  it("uses Google's OS Login API with Google's Compute API, and the same origin with another endpoint", () => {
    const token = () => Promise.resolve(undefined);
    assert.equal(osLoginAccess({ restBase: 'https://compute.googleapis.com/compute/v1', accessToken: token }).base, 'https://oslogin.googleapis.com/');
    assert.equal(osLoginAccess({ restBase: 'http://127.0.0.1:9123/compute/v1', accessToken: token }).base, 'http://127.0.0.1:9123/');
  });

  it('picks the preferred user when the profile has it, else the primary account, else the first', () => {
    const profile = { posixAccounts: [{ username: 'first' }, { username: 'main', primary: true }, { username: 'other' }] };
    assert.equal(pickPosixUsername(profile), 'main');
    assert.equal(pickPosixUsername(profile, 'other'), 'other');
    assert.equal(pickPosixUsername(profile, 'stranger'), 'main');
    assert.equal(pickPosixUsername({ posixAccounts: [{ username: 'a' }, { username: 'b' }] }), 'a');
    assert.equal(pickPosixUsername({}), undefined);
    assert.equal(pickPosixUsername({ posixAccounts: [{ username: '' }, { username: 3 }] }), undefined);
  });
});
