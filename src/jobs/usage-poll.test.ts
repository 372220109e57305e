// Apollo's usage stats count calls other clients of the account made: fed to the pacer, they
// shrink what Gatehouse may still send in the current windows.
import { createManualTime } from '../../test/helpers/manual-time.js';
import { describe, expect, it } from 'vitest';

import { actions, getAction } from '../catalog/index.js';
import { createPacer } from '../pacing/index.js';
import { createSandbox } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { applyUsageStats } from './usage-poll.js';

describe('applyUsageStats', () => {
  it("counts another client's calls against the pacer's windows", async () => {
    const limits = Object.fromEntries(
      actions.map((a) => [a.id, { minute: 5, hour: 100, day: 1000 }]),
    );
    const sandbox = createSandbox({ seed: 2, createWorld, limits });
    const key = sandbox.keys.master[0]!;
    const call = (id: 'people.search' | 'usage.stats') =>
      sandbox.app.request(getAction(id).path, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: '{}',
      });
    for (let i = 0; i < 3; i++) expect((await call('people.search')).status).toBe(200);
    const stats = (await (await call('usage.stats')).json()) as unknown;

    const time = createManualTime();
    const pacer = createPacer({
      clock: time,
      setTimer: time.setTimer,
      defaults: () => ({ minute: 5, hour: 100, day: 1000 }),
    });
    expect(applyUsageStats(pacer, stats, time.now())).toBeGreaterThan(0);
    const minute = pacer.snapshot('people.search').windows.minute;
    expect(minute.sent).toBe(3);
    expect(minute.left).toBe(2);
    expect(applyUsageStats(pacer, null, 0)).toBe(0);
    pacer.close();
    sandbox.close();
  });
});
