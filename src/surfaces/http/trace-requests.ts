// The root span of each request an agent (or an admin's client) sends: a SERVER span continuing
// the caller's W3C `traceparent`, around the whole app. Only the agent surfaces and the admin API
// are traced; the probes, /metrics, the console's files, OAuth pages and webhook receivers are not
// (a receiver's path is its secret). A span names the route's template, never the path: paths
// hold ids, and a URL's query string holds parameters.
import { SpanStatusCode } from '@opentelemetry/api';

import { findActionByRoute } from '../../catalog/index.js';
import { attr, traceIncoming } from '../../telemetry/index.js';

import { requestIdHeader } from './request-id.js';

/** The path of a request URL (`http://host/path?query` → `/path`), without parsing the URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/** True for the paths whose requests are traced. */
export function isTracedPath(path: string): boolean {
  return (
    path === '/mcp' ||
    path.startsWith('/api/') ||
    path.startsWith('/v1/') ||
    path.startsWith('/admin/api/')
  );
}

/** The low-cardinality route of a traced path: an action's path template, or a prefix. */
export function routeOf(method: string, path: string): string {
  if (path === '/mcp') return '/mcp';
  if (path.startsWith('/admin/api/')) return '/admin/api/*';
  const found = findActionByRoute(method, path.startsWith('/v1/') ? `/api${path}` : path);
  return found ? found.action.path : path.startsWith('/v1/') ? '/v1/*' : '/api/v1/*';
}

/**
 * Wraps an app's fetch so each traced request runs in its SERVER span. Without a tracing SDK the
 * span is a no-op and the request runs as it would unwrapped.
 */
export function traceRequests<A extends unknown[]>(
  fetch: (request: Request, ...rest: A) => Response | Promise<Response>,
): (request: Request, ...rest: A) => Response | Promise<Response> {
  return (request, ...rest) => {
    const path = pathOf(request.url);
    if (!isTracedPath(path)) return fetch(request, ...rest);
    const method = request.method;
    return traceIncoming(
      request.headers,
      method,
      { 'http.request.method': method },
      async (span) => {
        const response = await fetch(request, ...rest);
        if (span) {
          const route = routeOf(method, path);
          span.updateName(`${method} ${route}`);
          span.setAttributes({
            'http.route': route,
            'url.scheme': request.url.startsWith('https:') ? 'https' : 'http',
            'http.response.status_code': response.status,
          });
          const requestId = response.headers.get(requestIdHeader);
          if (requestId) span.setAttribute(attr.requestId, requestId);
          if (response.status >= 500) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute('error.type', String(response.status));
          }
        }
        return response;
      },
    );
  };
}
