import {
  acceptedMethods,
  actions,
  apiProfile,
  authHealth,
  authHealthLegacyPath,
  webhookResult,
  type ActionSpec,
  type EndpointSpec,
  type HttpMethod,
  type RateClass,
} from '../catalog/index.js';

/** What the sandbox does for a matched route. */
export type RouteKind = 'action' | 'profile' | 'health' | 'webhook_result';

/** One API route, derived from a catalog action or endpoint. */
export interface ApiRoute {
  /** Action id or endpoint id; also the rate-counter and fault target name. */
  readonly id: string;
  readonly kind: RouteKind;
  readonly path: string;
  readonly methods: readonly HttpMethod[];
  /** Null where any valid credential may call (identity, health). */
  readonly keyScope: string | null;
  readonly oauthScope: string | null;
  readonly masterKeyOnly: boolean;
  readonly rateClass: RateClass;
  readonly action?: ActionSpec;
}

function fromEndpoint(kind: RouteKind, spec: EndpointSpec): ApiRoute {
  return {
    id: spec.id,
    kind,
    path: spec.path,
    methods: [spec.method, ...spec.altMethods],
    keyScope: spec.keyScope,
    oauthScope: spec.oauthScope,
    masterKeyOnly: false,
    // Apollo does not document limits for these; they get the plan's default windows.
    rateClass: 'default',
  };
}

/** Every API route the sandbox serves: the catalog's actions, then identity and async results. */
export function buildRoutes(): readonly ApiRoute[] {
  const routes: ApiRoute[] = [
    ...(actions as readonly ActionSpec[]).flatMap((a) =>
      [a.path, ...a.altPaths].map((path): ApiRoute => ({
        id: a.id,
        // The identity endpoint is also an action (users.profile): one route serves both.
        kind: path === apiProfile.path ? 'profile' : 'action',
        path,
        methods: acceptedMethods(a),
        keyScope: a.keyScope,
        oauthScope: a.oauthScope,
        masterKeyOnly: a.masterKeyOnly,
        rateClass: a.rateClass,
        action: a,
      })),
    ),
    ...(actions.some((a) => a.path === apiProfile.path)
      ? []
      : [fromEndpoint('profile', apiProfile)]),
    fromEndpoint('health', authHealth),
    fromEndpoint('webhook_result', webhookResult),
  ];
  // A literal segment beats a parameter: `/tasks/search` before `/tasks/{id}`.
  return Object.freeze(routes.sort((a, b) => paramCount(a.path) - paramCount(b.path)));
}

const paramCount = (path: string) => (path.match(/\{/g) ?? []).length;

// The catalog keeps the legacy health path beside the current one; their difference is the host
// prefix that older clients leave out (`/v1/...` for `/api/v1/...`), so every route
// answers under both without the sandbox spelling out an Apollo path.
const hostPrefix = authHealth.path.endsWith(authHealthLegacyPath)
  ? authHealth.path.slice(0, -authHealthLegacyPath.length)
  : '';
const legacyVersion = `/${authHealthLegacyPath.split('/')[1] ?? ''}/`;

/** `api/v1/`: the part of a key scope that users may leave out when naming an endpoint. */
export const scopeVersionMarker = `${hostPrefix.replace(/^\//, '')}${legacyVersion}`;

/** The canonical form of a request path: the legacy `/v1/...` alias gains the host prefix. */
export function canonicalPath(path: string): string {
  return hostPrefix && path.startsWith(legacyVersion) ? `${hostPrefix}${path}` : path;
}

/** The route for a request, or why there is none. */
export type RouteMatch =
  | { ok: true; route: ApiRoute; params: Record<string, string> }
  | { ok: false; reason: 'no_path' | 'no_method' };

/** Finds routes by method and path; built once per sandbox. */
export type RouteResolver = (method: string, rawPath: string) => RouteMatch;

// The catalog's matchPath compiles its template on every call; benchmarks run through the
// sandbox, so each template is compiled once here, with the same pattern.
function compile(template: string): (path: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = template
    .replace(/[.*+?^$()|\\]/g, '\\$&')
    .replace(/\{([a-z_]+)\}/g, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
  if (names.length === 0) {
    return (path) => (path === template || path === `${template}/` ? {} : null);
  }
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the catalog's own path templates
  const re = new RegExp(`^${pattern}/?$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return null;
    const out: Record<string, string> = {};
    names.forEach((n, i) => {
      out[n] = decodeURIComponent(m[i + 1]!);
    });
    return out;
  };
}

/** Builds the resolver for a route table (raw, percent-encoded paths). */
export function createRouteResolver(routes: readonly ApiRoute[]): RouteResolver {
  const table = routes.map((route) => ({ route, match: compile(route.path) }));
  return (method, rawPath) => {
    const path = canonicalPath(rawPath);
    const upper = method.toUpperCase();
    let pathKnown = false;
    for (const { route, match } of table) {
      let params: Record<string, string> | null;
      try {
        params = match(path);
      } catch {
        // A malformed percent-escape in a path parameter: no route can serve it.
        params = null;
      }
      if (!params) continue;
      pathKnown = true;
      if (route.methods.includes(upper as HttpMethod)) return { ok: true, route, params };
    }
    return { ok: false, reason: pathKnown ? 'no_method' : 'no_path' };
  };
}
