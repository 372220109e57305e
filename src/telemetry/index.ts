// The tracing seam for every layer: OpenTelemetry API helpers only. The SDK (sdk.ts) is the
// composition's to start; nothing else imports it (eslint.config.js).
export {
  activeSpanIds,
  annotateCall,
  attr,
  failCall,
  step,
  traceCall,
  traceIncoming,
  traceOutgoing,
  tracerName,
} from './spans.js';
