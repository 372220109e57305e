// Pins the credit rule of recorded conversations: a conversation in full costs a credit only when
// Apollo generated AI insights for it (read from its answer), and an export, whose answer says
// nothing of how many conversations it covered, is reserved and counted at its assumed bound.
import { describe, expect, it } from 'vitest';

import { creditsFromResponse, estimateCredits, getAction } from './index.js';

describe('per-insight credits', () => {
  const get = getAction('conversations.get');
  const exporting = getAction('conversations.export');

  it('reserves one credit for a conversation and the assumed bound for an export', () => {
    expect(estimateCredits(get, { id: '6717f5a1c2b3d4e5f6a7b8c9' })).toBe(1);
    expect(estimateCredits(exporting, exporting.examples[0]!)).toBe(50);
    expect(estimateCredits(getAction('conversations.search'), {})).toBe(0);
  });

  it('charges a conversation by its insights and an export by its bound', () => {
    const base = { id: '6717f5a1c2b3d4e5f6a7b8c9', topic: 'Demo' };
    expect(creditsFromResponse(get, { ...base, state: 'insights_generated' })).toBe(1);
    expect(
      creditsFromResponse(get, { ...base, state: 'processed', call_summary: { outcome: 'x' } }),
    ).toBe(1);
    expect(creditsFromResponse(get, { ...base, state: 'processed' })).toBe(0);
    expect(creditsFromResponse(exporting, { export_url: 'https://x', export_id: 'e1' })).toBe(50);
  });
});
