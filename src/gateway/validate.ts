// The steps between "who" and "may it": is the input of a shape any input may have, is the action
// known, and does the input parse under the catalog's schema with only documented parameters.
import {
  describeInputShapeProblem,
  getAction,
  inspectInputShape,
  type ActionSpec,
} from '../catalog/index.js';
import { closestNames, gatewayError, type GatewayError } from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';

import type { Deliveries } from '../deliveries/deliveries.js';

/** Gatehouse's own webhook receiver, minted for a call that asks Apollo for a delivery. */
export interface Receiver {
  readonly url: string;
  readonly hash: string;
}

/** A call ready for the decision: its action and validated input. */
export interface ValidCall {
  readonly action: ActionSpec;
  readonly input: Record<string, unknown>;
  readonly receiver: Receiver | null;
  /** Set when undocumented parameters were forwarded as the admin chose. */
  readonly forwarded?: string;
}

/** Why the input was refused: the error, the rule, and what of the input the record may show. */
export interface Invalid {
  readonly error: GatewayError;
  readonly rule: string;
  readonly action: ActionSpec | null;
  readonly input: Record<string, unknown> | null;
}

/** Steps 2–4: the input's shape, the action, the parameters and the schema. */
export function validate(
  req: {
    readonly actionId: string;
    readonly input: unknown;
    readonly route?: { method: string; path: string };
  },
  options: {
    readonly unknownParams: 'refuse' | 'forward';
    readonly deliveries?: Pick<Deliveries, 'receiver'> | undefined;
  },
): Result<ValidCall, Invalid> {
  // Parameters of a shape no parameters may have (a key that reaches a prototype, nesting past
  // the limit) are refused before anything walks them, even to mask them for the record.
  const shape = inspectInputShape(req.input ?? {});
  const action = getAction(req.actionId) ?? null;
  if (shape) {
    const error = gatewayError.unsafeInput({
      problem: shape.kind,
      path: 'path' in shape ? shape.path : '',
      message: describeInputShapeProblem(shape),
    });
    return err({ error, rule: 'unsafe input', action, input: null });
  }
  if (!action) {
    const error = req.route
      ? gatewayError.unknownAction({ method: req.route.method, path: req.route.path })
      : gatewayError.unknownAction({ actionId: req.actionId });
    return err({ error, rule: 'unknown action', action: null, input: null });
  }
  const rawInput = isRecord(req.input) ? req.input : {};

  // An agent never gives Apollo a webhook of its own (Apollo would send personal data around the
  // audit trail and the agent's redaction): Gatehouse substitutes its receiver when the call asks
  // for a delivery.
  let toParse = rawInput;
  let receiver: Receiver | null = null;
  if (action.delivery) {
    const { webhook_url: _theirs, ...rest } = rawInput;
    toParse = rest;
    if (options.deliveries && action.delivery.asks(rest)) {
      receiver = options.deliveries.receiver();
      toParse = { ...rest, webhook_url: receiver.url };
    }
  }
  // Parameters Apollo does not document would be dropped by the schema and ignored by Apollo:
  // refused (nothing sent), or, if the admin chose to, forwarded as given.
  const documented = new Set(action.paramNames);
  const strays = Object.keys(toParse).filter((k) => !documented.has(k));
  if (strays.length && options.unknownParams === 'refuse') {
    const error = gatewayError.unknownParameter({
      action: action.id,
      unknown: strays.map((name) => ({ name, suggestions: closestNames(name, action.paramNames) })),
    });
    return err({ error, rule: 'unknown parameter', action, input: rawInput });
  }
  const parsed = action.input.safeParse(toParse);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return err({
      error: gatewayError.invalidInput(issues),
      rule: 'invalid input',
      action,
      input: rawInput,
    });
  }
  const data = parsed.data as Record<string, unknown>;
  if (!strays.length) return ok({ action, input: data, receiver });
  return ok({
    action,
    input: { ...data, ...Object.fromEntries(strays.map((k) => [k, toParse[k]])) },
    receiver,
    forwarded: `Forwarded parameters Apollo does not document: ${strays.join(', ')} (GATEHOUSE_UNKNOWN_PARAMS=forward).`,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
