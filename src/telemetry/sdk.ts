// The OpenTelemetry SDK behind src/telemetry/spans.ts, registered only when tracing is on
// (docs/tracing.md). Lean pieces on purpose rather than @opentelemetry/sdk-node and the
// auto-instrumentations: Gatehouse makes its own spans at the steps that matter (the pipeline, the
// pacer, the Apollo client, the HTTP entry), so patching node:http, pg and ioredis would add
// dependencies, start-up time and spans nobody asked for, some with URLs and statements in them.
// @opentelemetry/sdk-trace (the SDK proper; sdk-trace-base is now a shim over it that also reads
// OTEL_* from process.env) takes its whole configuration from the parsed Config instead.
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  trace,
  type DiagLogFunction,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

import type { Config } from '../config/config.js';
import type { Logger } from '../ports/index.js';

/** The settings tracing reads. */
export type TracingSettings = Pick<
  Config,
  | 'traces'
  | 'otlpEndpoint'
  | 'otlpTracesEndpoint'
  | 'otlpHeaders'
  | 'otelServiceName'
  | 'tracesSampler'
  | 'tracesSamplerArg'
  | 'replicaId'
>;

/** Registered tracing; `shutdown` exports what is buffered and unregisters it. */
export interface Telemetry {
  /** Where spans go. */
  readonly endpoint: string;
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left, then stops tracing (idempotent). */
  shutdown(): Promise<void>;
}

/** The OTLP/HTTP traces URL the settings name, or null when tracing is off. */
export function tracesEndpoint(s: TracingSettings): string | null {
  if (s.traces === false) return null;
  if (s.otlpTracesEndpoint) return s.otlpTracesEndpoint;
  if (s.otlpEndpoint) return `${s.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  return s.traces ? 'http://localhost:4318/v1/traces' : null;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs separated by commas, values URL-encoded. */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim().toLowerCase();
    const value = pair.slice(at + 1).trim();
    try {
      headers[key] = decodeURIComponent(value);
    } catch {
      headers[key] = value;
    }
  }
  return headers;
}

/** The sampler OTEL_TRACES_SAMPLER names (the specification's names and meanings). */
export function samplerFor(
  s: Pick<TracingSettings, 'tracesSampler' | 'tracesSamplerArg'>,
): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(s.tracesSamplerArg);
  switch (s.tracesSampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Registers the SDK when the settings turn tracing on; null when they do not (nothing is
 * registered, so every span helper stays a no-op). Only one Gatehouse per process can trace: a
 * second start while one traces says so in the log and runs untraced.
 */
export function startTelemetry(settings: TracingSettings, logger: Logger): Telemetry | null {
  const endpoint = tracesEndpoint(settings);
  if (!endpoint) return null;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.otelServiceName,
      // service.instance.id (still "incubating" in the conventions, hence the literal).
      'service.instance.id': settings.replicaId,
    }),
    sampler: samplerFor(settings),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: endpoint,
          headers: parseOtlpHeaders(settings.otlpHeaders),
        }),
      }),
    ],
  });
  // The tracer provider is the registration that counts: another one in this process (a second
  // Gatehouse in a test, an operator's own SDK) keeps its own, untouched.
  if (!trace.setGlobalTracerProvider(provider)) {
    void provider.shutdown();
    logger.warn({}, 'tracing is already set up in this process; this Gatehouse runs untraced');
    return null;
  }
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // W3C trace context only: no baggage, which would carry whatever a client put in it to Apollo.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The exporter's troubles (a collector that is down) reach the log, once per failed export.
  const report: DiagLogFunction = (message) => logger.warn({ component: 'otel' }, message);
  diag.setLogger(
    { error: report, warn: report, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  logger.info(
    { endpoint: new URL(endpoint).origin, sampler: settings.tracesSampler },
    'exporting traces over OTLP/HTTP',
  );
  let stopped: Promise<void> | null = null;
  return {
    endpoint,
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } catch (e) {
          logger.warn({ err: e }, 'traces could not all be exported at shutdown');
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          contextManager.disable();
          diag.disable();
        }
      })();
      return stopped;
    },
  };
}
