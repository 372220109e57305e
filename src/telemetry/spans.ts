// The seam every layer traces through: the OpenTelemetry API (@opentelemetry/api) only, never the
// SDK, which src/telemetry/sdk.ts registers when tracing is on. With no SDK registered (the
// default) the API is a no-op, and the steps below do not even ask it for a span: a step is traced
// only inside a span that records, so an untraced call costs a context lookup per step.
//
// The API's tracer and context are process-wide by design (instrumentation finds the SDK the
// application registered); it is the one global Gatehouse relies on, read here and nowhere else.
//
// What goes in a span is listed in docs/tracing.md: ids, names, decisions, statuses and counts,
// never a token, a key, a parameter's value or an error's message.
import {
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';

/** The instrumentation scope of Gatehouse's spans. */
export const tracerName = 'gatehouse';

/** Attribute names of Gatehouse's own (the HTTP ones follow the semantic conventions). */
export const attr = {
  requestId: 'gatehouse.request_id',
  surface: 'gatehouse.surface',
  action: 'gatehouse.action',
  agentId: 'gatehouse.agent.id',
  agentName: 'gatehouse.agent.name',
  decision: 'gatehouse.decision',
  rule: 'gatehouse.rule',
  errorCode: 'gatehouse.error_code',
  auditId: 'gatehouse.audit_id',
  credits: 'gatehouse.credits',
  cacheHit: 'gatehouse.cache_hit',
  upstreamStatus: 'gatehouse.upstream.status',
  upstreamErrorCode: 'gatehouse.upstream.error_code',
  waitedMs: 'gatehouse.pace.waited_ms',
  notSent: 'gatehouse.pace.refused',
} as const;

const tracer = () => trace.getTracer(tracerName);
// The gateway call's span, so any step inside it can add what it learns (the decision, the
// credits) to the call rather than to itself.
const callKey = createContextKey('gatehouse.call');

/** The active span when it records, else undefined. */
function recording(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

/** Marks the span failed by the error's class name only: a message may carry the input. */
function fail(span: Span, e: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', e instanceof Error ? e.name : typeof e);
}

/** Runs `fn` and ends `span` when it settles (synchronously or not). */
function endAfter<T>(span: Span, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    fail(span, e);
    span.end();
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (e: unknown) => {
        fail(span, e);
        span.end();
        throw e;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * Runs `fn` as the child span `name` when the request is traced; otherwise just runs it (`span` is
 * then undefined, so callers compute attributes only for a span that records).
 */
export function step<T>(
  name: string,
  fn: (span: Span | undefined) => T,
  attributes?: Attributes,
): T {
  if (!recording()) return fn(undefined);
  return tracer().startActiveSpan(name, attributes ? { attributes } : {}, (span) =>
    endAfter(span, () => fn(span)),
  );
}

/**
 * Runs one gateway call as the span `name`: a child of the request's span, or a root when the
 * call came without one (MCP over stdio). Steps inside add to it with {@link annotateCall}.
 */
export function traceCall<T>(name: string, attributes: Attributes, fn: () => Promise<T>) {
  return tracer().startActiveSpan(name, { attributes }, (span): Promise<T> => {
    if (!span.isRecording()) {
      span.end();
      return fn();
    }
    return context.with(context.active().setValue(callKey, span), () => endAfter(span, fn));
  });
}

/** Adds attributes to the running gateway call's span, if it records. */
export function annotateCall(attributes: Attributes): void {
  (context.active().getValue(callKey) as Span | undefined)?.setAttributes(attributes);
}

/** Marks the running gateway call's span failed (Gatehouse or Apollo failed, not a refusal). */
export function failCall(errorType: string): void {
  const span = context.active().getValue(callKey) as Span | undefined;
  if (!span) return;
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', errorType);
}

const headersGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/**
 * Runs an incoming HTTP request as a SERVER span that continues the caller's W3C `traceparent`
 * (and `tracestate`) when it sent one. `fn` receives the span when it records.
 */
export function traceIncoming<T>(
  headers: Headers,
  name: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  // A fresh context per request: nothing of a previous request's leaks into this one.
  const parent = propagation.extract(ROOT_CONTEXT, headers, headersGetter);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  if (!span.isRecording()) {
    span.end();
    return fn(undefined);
  }
  return context.with(trace.setSpan(parent, span), () => endAfter(span, () => fn(span)));
}

/**
 * Runs an outgoing HTTP request as a CLIENT span when the request is traced, with `traceparent`
 * (and `tracestate`) added to a copy of `headers`; otherwise `fn` gets `headers` as they are.
 */
export function traceOutgoing<T>(
  name: string,
  attributes: Attributes,
  headers: Readonly<Record<string, string>>,
  fn: (headers: Readonly<Record<string, string>>, span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!recording()) return fn(headers, undefined);
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const active = trace.setSpan(context.active(), span);
  const sent: Record<string, string> = { ...headers };
  propagation.inject(active, sent);
  return context.with(active, () => endAfter(span, () => fn(sent, span)));
}

/** The active span's ids, for log lines; undefined outside a span. */
export function activeSpanIds(): { trace_id: string; span_id: string } | undefined {
  const ids = trace.getActiveSpan()?.spanContext();
  return ids && isSpanContextValid(ids)
    ? { trace_id: ids.traceId, span_id: ids.spanId }
    : undefined;
}
