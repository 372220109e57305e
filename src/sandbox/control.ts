import { Hono } from 'hono';
import { z } from 'zod';

import { balanceOf, type CreditAccount } from './credits.js';
import { allRoutes, faultSpecSchema, type Faults } from './faults.js';
import { identifyKey, type KeyRing } from './keys.js';
import { readBody } from './params.js';
import { json } from './respond.js';

// The sandbox's own control routes, under /__sandbox so they can never collide with an Apollo
// path. They need a master key: fault injection and state are the operator's, not an agent's.

export interface ControlParts {
  readonly keys: KeyRing;
  readonly faults: Faults;
  readonly state: () => unknown;
  readonly flush: () => Promise<void>;
  readonly credits: CreditAccount;
}

const creditsRequestSchema = z.object({ limit: z.number().nonnegative().finite() });

const faultRequestSchema = faultSpecSchema.extend({ target: z.string().min(1).optional() });

export function createControlRoutes(parts: ControlParts): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const key = c.req.header('x-api-key')?.trim();
    const holder = key ? identifyKey(parts.keys, key) : undefined;
    if (holder?.kind !== 'master') {
      return json(401, { error: 'The sandbox control routes need a master API key in x-api-key.' });
    }
    await next();
  });

  app.get('/faults', () => json(200, { faults: parts.faults.list() }));

  app.post('/faults', async (c) => {
    const body = await readBody(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = faultRequestSchema.safeParse(body.value);
    if (!parsed.success) return json(422, { error: z.prettifyError(parsed.error) });
    const { target = allRoutes, ...spec } = parsed.data;
    try {
      parts.faults.set(target, spec);
    } catch (err) {
      return json(422, { error: err instanceof Error ? err.message : String(err) });
    }
    return json(200, { faults: parts.faults.list() });
  });

  app.delete('/faults', (c) => {
    parts.faults.clear(c.req.query('target'));
    return json(200, { faults: parts.faults.list() });
  });

  app.get('/state', () => json(200, parts.state()));

  // The team's credit allowance: POST {"limit": 0} makes every credit-spending call answer
  // Apollo's out-of-credits 422 until the limit is raised again.
  app.get('/credits', () => json(200, balanceOf(parts.credits)));

  app.post('/credits', async (c) => {
    const body = await readBody(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = creditsRequestSchema.safeParse(body.value);
    if (!parsed.success) return json(422, { error: z.prettifyError(parsed.error) });
    parts.credits.setLimit(parsed.data.limit);
    return json(200, balanceOf(parts.credits));
  });

  app.post('/deliveries/flush', async () => {
    await parts.flush();
    return json(200, { flushed: true });
  });

  return app;
}
