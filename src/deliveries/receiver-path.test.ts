// A webhook receiver's secret never survives into a loggable path, however the path is spelled;
// other paths pass through untouched.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { loggablePath } from './receiver-path.js';

const secret = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
const digest8 = createHash('sha256').update(secret).digest('hex').slice(0, 8);

describe('loggablePath', () => {
  it('replaces the receiver secret with 8 hex digits of its SHA-256', () => {
    expect(loggablePath(`/webhooks/apollo/${secret}`)).toBe(`/webhooks/apollo/${digest8}…`);
  });

  it.each([
    ['another case', `/Webhooks/APOLLO/${secret}`],
    ['repeated slashes', `//webhooks//apollo//${secret}`],
    ['percent-encoded letters', `/webhooks/%61pollo/${secret.replace('Z', '%5A')}`],
    ['a broken escape elsewhere', `/webhooks/apollo/${secret}%E0%A4%A`],
    ['a trailing segment', `/webhooks/apollo/${secret}/extra`],
  ])('hides the secret when the path is spelled with %s', (_, path) => {
    const logged = loggablePath(path);
    expect(logged).toMatch(/^\/webhooks\/apollo\/[0-9a-f]{8}…$/);
    expect(logged).not.toContain(secret.slice(4, 20));
  });

  it('gives the same digest for the same receiver however it is spelled', () => {
    expect(loggablePath(`/webhooks/%61pollo/${secret}`)).toBe(`/webhooks/apollo/${digest8}…`);
  });

  it.each(['/healthz', '/api/v1/mixed_people/api_search', '/webhooks/apollo', '/webhooks/apollo/'])(
    'leaves %s unchanged',
    (path) => {
      expect(loggablePath(path)).toBe(path);
    },
  );
});
