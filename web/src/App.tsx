import { useCallback, useEffect, useState, type FormEvent } from 'react';

import { Access } from './pages/Access';
import { AgentPage } from './pages/AgentPage';
import { Agents } from './pages/Agents';
import { Approvals } from './pages/Approvals';
import { Audit } from './pages/Audit';
import { Connect } from './pages/Connect';
import { Overview } from './pages/Overview';
import { Usage } from './pages/Usage';
import { api, ApiError, type Credentials } from './api';
import { connectUidFromHash } from './connect-api';

import { queryClient, useLoad, type Run } from './hooks';
import { WhoProvider, type Who } from './session';

const pages = ['overview', 'agents', 'access', 'audit', 'approvals', 'usage'] as const;
type Page = (typeof pages)[number];
const titles: Record<Page, string> = {
  overview: 'Overview',
  agents: 'Agents',
  access: 'Access matrix',
  audit: 'Audit',
  approvals: 'Approvals',
  usage: 'Usage',
};

/** A console page, and for `#/agents/<name>` the agent's name (URL-decoded). */
interface Route {
  page: Page;
  agent?: string;
}

function routeFromHash(): Route {
  const h = window.location.hash.replace(/^#\/?/, '');
  const agent = /^agents\/(.+)$/.exec(h)?.[1];
  if (agent !== undefined) {
    try {
      return { page: 'agents', agent: decodeURIComponent(agent) };
    } catch {
      return { page: 'agents', agent };
    }
  }
  return { page: pages.includes(h as Page) ? (h as Page) : 'overview' };
}

export function App() {
  const [state, setState] = useState<'loading' | 'out' | 'in'>('loading');
  const [who, setWho] = useState<Who>({ person: null, role: 'viewer' });
  const signedIn = (w: Who) => {
    setWho(w);
    setState('in');
  };
  const [route, setRoute] = useState<Route>(routeFromHash);
  const page = route.page;

  useEffect(() => {
    void api.resume().then((w) => (w ? signedIn(w) : setState('out')));
    const onHash = () => setRoute(routeFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Any 401 (idle timeout, logout elsewhere) returns to the login form.
  // Signed out: nothing read for this person stays in memory for the next one.
  const signedOut = useCallback(() => {
    queryClient.clear();
    setState('out');
  }, []);
  const onAuthLost = signedOut;

  if (state === 'loading') return <p>Loading…</p>;
  if (state === 'out') return <Login onIn={signedIn} />;
  // An app's MCP connection request (docs/mcp-oauth.md): only a logged-in admin answers it.
  const connectUid = connectUidFromHash(window.location.hash);
  if (connectUid) return <Connect uid={connectUid} />;
  return (
    <WhoProvider who={who}>
      <header>
        <h1>Gatehouse</h1>
        <nav aria-label="Console pages">
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
              {titles[p]}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="signed-in-as">
          {who.person ? `${who.person.email} (${who.role})` : 'admin token'}
        </span>
        <button type="button" onClick={() => void api.logout().then(signedOut)}>
          Log out
        </button>
      </header>
      <main>
        <Guard onAuthLost={onAuthLost}>
          {(run) => (
            <>
              <SimulatedBanner run={run} />
              {route.agent !== undefined ? (
                // The agent's page has its name for a heading; a new name starts it afresh.
                <AgentPage key={route.agent} name={route.agent} run={run} />
              ) : (
                <>
                  <h2>{titles[page]}</h2>
                  <PageFor page={page} run={run} />
                </>
              )}
            </>
          )}
        </Guard>
      </main>
    </WhoProvider>
  );
}

/** Says so, on every page, when the upstream is the embedded sandbox's simulated world. */
function SimulatedBanner({ run }: { run: Run }) {
  const [data] = useLoad(run, 'GET /admin/api/overview');
  if (!data?.connection.simulated) return null;
  return (
    <p role="status" className="banner sandbox" data-testid="sandbox-banner">
      <strong>Sandbox.</strong> The people, companies and credits here are simulated by the embedded
      sandbox, not your team&apos;s Apollo data. Connect Apollo (<code>gatehouse connect</code>, or
      OAuth on the overview) and restart to use real data.
    </p>
  );
}

function PageFor({ page, run }: { page: Page; run: Run }) {
  switch (page) {
    case 'overview':
      return <Overview run={run} />;
    case 'agents':
      return <Agents run={run} />;
    case 'access':
      return <Access run={run} />;
    case 'audit':
      return <Audit run={run} />;
    case 'approvals':
      return <Approvals run={run} />;
    case 'usage':
      return <Usage run={run} />;
  }
}

/** Runs an API call; a 401 logs the console out, other refusals are shown in words. */
function Guard(props: { onAuthLost: () => void; children: (run: Run) => JSX.Element }) {
  const [error, setError] = useState<string | null>(null);
  const run: Run = useCallback(
    async (work) => {
      try {
        const value = await work();
        setError(null);
        return value;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) props.onAuthLost();
        else setError(e instanceof Error ? e.message : String(e));
        return undefined;
      }
    },
    [props],
  );
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {props.children(run)}
    </>
  );
}

function Login(props: { onIn: (who: Who) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [provider, setProvider] = useState<string | null>(null);
  useEffect(() => {
    void api.identityProvider().then(setProvider);
  }, []);
  const submit = async (e: FormEvent, credentials: Credentials) => {
    e.preventDefault();
    try {
      const who = await api.login(credentials);
      setPassword('');
      setToken('');
      props.onIn(who);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main className="login">
      <h1>Gatehouse console</h1>
      {provider && (
        <p>
          <a className="button" href="/admin/oidc/login">
            Sign in with {provider}
          </a>
        </p>
      )}
      <form aria-label="Sign in as yourself" onSubmit={(e) => void submit(e, { email, password })}>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p>An admin adds you with gatehouse admin add &lt;email&gt; --role viewer|approver|admin.</p>
      <form
        aria-label="Log in with the shared token"
        className="inline"
        onSubmit={(e) => void submit(e, { token })}
      >
        <label>
          Admin token
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        <button type="submit">Log in</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p>
        The admin token is GATEHOUSE_ADMIN_TOKEN (gatehouse start prints one for a sandbox run); it
        has every role and is meant for automation.
      </p>
    </main>
  );
}
