// What a sample needs to find its ids: Apollo (the sandbox) called with a master key the way an
// agent would look records up (searches and lists), and lookups shared between samples.
import { fillPath, getAction } from '../../../src/catalog/index.js';

export type Row = Record<string, unknown>;
export type Input = Record<string, unknown>;

/** Calls Apollo (the sandbox) with a master key and returns the JSON body of a 200. */
export type ApolloCaller = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

/** Builds the input of one action's sample call. */
export interface Sample {
  build(ctx: SampleContext): Promise<Input>;
  /**
   * The call changes what it acts on so that the same input would fail next time (a sent email,
   * an activated sequence, a completed task, a label name taken): every call gets a new record.
   */
  fresh?: true;
}

export type SampleBook = Record<string, Sample>;

export interface SampleContext {
  /**
   * Calls an action with this input (path parameters filled) and returns the body of its 200.
   * Lookups send JSON, so an action documented as GET is called with its POST alias: the
   * callers of these fixtures post a JSON body on every call.
   */
  run(id: string, input?: Input): Promise<Row>;
  /** Runs `make` once per sample set; later calls get the same value. */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** A number unique within the sample set, for names Apollo refuses to repeat. */
  serial(): number;
}

export function createContext(call: ApolloCaller): SampleContext {
  const memo = new Map<string, Promise<unknown>>();
  let serial = 0;
  return {
    async run(id, input = {}) {
      const action = getAction(id);
      if (!action) throw new Error(`no action ${id} in the catalog`);
      let method: string = action.method;
      if (method === 'GET') {
        if (!action.altMethods.includes('POST')) throw new Error(`${id} is GET only`);
        method = 'POST';
      }
      const body = Object.fromEntries(
        Object.entries(input).filter(([k]) => !action.pathParams.includes(k)),
      );
      return call(method, fillPath(action.path, input), body);
    },
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      let found = memo.get(key) as Promise<T> | undefined;
      if (!found) {
        found = make();
        memo.set(key, found);
      }
      return found;
    },
    serial: () => ++serial,
  };
}

/** The rows under `key`, or an error naming the lookup that came back empty. */
export function rows(body: Row, key: string, what: string): Row[] {
  const list = body[key];
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`the sandbox lacks a fixture the samples need: ${what}`);
  return list as Row[];
}

/** A field's value that must be a string id. */
export function idOf(row: Row | undefined, what: string, field = 'id'): string {
  const v = row?.[field];
  if (typeof v !== 'string')
    throw new Error(`the sandbox lacks a fixture the samples need: ${what}`);
  return v;
}
