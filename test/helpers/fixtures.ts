// A valid call for every catalog action, with ids taken from the sandbox the way an agent finds them.
import { actions, encodeQuery, getAction } from '../../src/catalog/index.js';

import { activitySamples } from './samples/activity.js';
import {
  createContext,
  type ApolloCaller,
  type Input,
  type SampleBook,
} from './samples/context.js';
import { coreSamples } from './samples/core.js';
import { crmSamples } from './samples/crm.js';
import { dataSamples } from './samples/data.js';
import { outreachSamples } from './samples/outreach.js';

export type { ApolloCaller } from './samples/context.js';

const book: SampleBook = {
  ...coreSamples,
  ...dataSamples,
  ...crmSamples,
  ...outreachSamples,
  ...activitySamples,
};

/** Sample calls for every catalog action, each built the first time it is asked for. */
export interface SampleSet {
  /**
   * An input for the next call of this action: the same one each time, except for actions whose
   * call uses up what it acts on (sending a draft, activating a sequence, completing a task,
   * taking a label name), which get a newly made record each time.
   */
  next(actionId: string): Promise<Input>;
  /** Whether `next` makes a new record for this action. */
  isFresh(actionId: string): boolean;
}

function callerOf(apollo: ApolloCaller | { apollo: ApolloCaller }): ApolloCaller {
  return typeof apollo === 'function' ? apollo : apollo.apollo;
}

/**
 * Samples built on demand, so an action the sandbox cannot serve fails its own calls only. Every
 * lookup is a POST with a JSON body; the same calls in the same order against two sandboxes with
 * the same seed and clock give the same ids.
 */
export function sampleSet(apollo: ApolloCaller | { apollo: ApolloCaller }): SampleSet {
  const ctx = createContext(callerOf(apollo));
  const built = new Map<string, Promise<Input>>();
  const sampleOf = (id: string) => {
    const sample = Object.hasOwn(book, id) ? book[id] : undefined;
    if (!sample) throw new Error(`no sample input for ${id}`);
    return sample;
  };
  return {
    isFresh: (id) => sampleOf(id).fresh === true,
    next(id) {
      const sample = sampleOf(id);
      if (sample.fresh) return sample.build(ctx);
      let input = built.get(id);
      if (!input) {
        input = sample.build(ctx);
        built.set(id, input);
      }
      return input;
    },
  };
}

/**
 * Parameters (path parameters included) that Apollo accepts, for every action, in catalog order.
 * An action whose call uses up its record gets an input valid once: use `sampleSet` to repeat it.
 */
export async function sampleInputs(
  apollo: ApolloCaller | { apollo: ApolloCaller },
): Promise<Record<string, Input>> {
  const samples = sampleSet(apollo);
  const inputs: Record<string, Input> = {};
  for (const a of actions) inputs[a.id] = await samples.next(a.id);
  return inputs;
}

/**
 * The method and URL path (path parameters filled, GET parameters in the query as Apollo's
 * bracketed query string) for a sample call.
 */
export function requestFor(
  actionId: string,
  input: Record<string, unknown>,
): { method: string; path: string; body: unknown } {
  const action = getAction(actionId)!;
  let path = action.path;
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (action.pathParams.includes(k)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
    else body[k] = v;
  }
  if (action.method === 'GET') {
    const qs = encodeQuery(body).toString();
    return { method: 'GET', path: qs ? `${path}?${qs}` : path, body: undefined };
  }
  return { method: action.method, path, body };
}
