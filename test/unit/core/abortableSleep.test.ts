import * as assert from 'node:assert/strict';
import { abortableSleep } from '../../../src/core/abortableSleep';

describe('abortable sleep (unit)', () => {
  it('resolves early on abort, at once when already aborted, and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => (added++, add(...args)));
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (removed++, remove(...args)));
    await abortableSleep(1, controller.signal);
    assert.equal(added, removed);
    const started = Date.now();
    const waiting = abortableSleep(10_000, controller.signal);
    controller.abort();
    await waiting;
    assert.ok(Date.now() - started < 1_000);
    await abortableSleep(10_000, controller.signal);
    await abortableSleep(1);
  });
});
