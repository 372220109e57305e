// Test support: calls catalog actions on a sandbox over its HTTP app, the way a client would (path
// parameters in the path, GET parameters in a bracketed query string, other bodies as JSON), and
// checks every 200 against the action's output schema.

import { encodeQuery, fillPath, getAction } from '../../../src/catalog/index.js';
import { createSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { manualClock, type ManualClock } from './clock.js';

/** An answer: status and parsed JSON body. */
export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read Apollo's JSON freely
  body: any;
}

/** Calls one action; `method` overrides the documented verb, `key` the master key. */
export type Caller = (
  id: string,
  input?: Record<string, unknown>,
  options?: { method?: string; key?: string },
) => Promise<Answer>;

export const masterKey = 'mk';

/** A sandbox with a master key (`mk`) and the given scoped keys, and a caller for it. */
export function sandboxCaller(
  seed = 5,
  scopedKeys: Array<{ key: string; endpoints: string[] }> = [],
): { sb: Sandbox; call: Caller; clock: ManualClock } {
  const clock = manualClock();
  const sb = createSandbox({ seed, clock, masterKeys: [masterKey], scopedKeys });
  const call: Caller = async (id, input = {}, options = {}) => {
    const action = getAction(id);
    if (!action) throw new Error(`no action ${id}`);
    const verb = options.method ?? action.method;
    const rest = Object.fromEntries(
      Object.entries(input).filter(([k]) => !action.pathParams.includes(k)),
    );
    const query = verb === 'GET' ? encodeQuery(rest).toString() : '';
    const res = await sb.app.request(`${fillPath(action.path, input)}${query ? `?${query}` : ''}`, {
      method: verb,
      headers: { 'x-api-key': options.key ?? masterKey, 'content-type': 'application/json' },
      ...(verb === 'GET' ? {} : { body: JSON.stringify(rest) }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // 401 answers are plain text.
    }
    if (res.status === 200) {
      const parsed = action.output.safeParse(body);
      if (!parsed.success)
        throw new Error(`${id} output: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
    }
    return { status: res.status, body };
  };
  return { sb, call, clock };
}
