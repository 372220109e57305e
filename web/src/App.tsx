import { useCallback, useEffect, useState, type FormEvent } from 'react';

import { Access } from './pages/Access';
import { Agents } from './pages/Agents';
import { Approvals } from './pages/Approvals';
import { Audit } from './pages/Audit';
import { Connect } from './pages/Connect';
import { Overview } from './pages/Overview';
import { Usage } from './pages/Usage';
import { api, ApiError } from './api';
import { connectUidFromHash } from './connect-api';

import { useLoad, type Run } from './hooks';

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

function pageFromHash(): Page {
  const h = window.location.hash.replace(/^#\/?/, '') as Page;
  return pages.includes(h) ? h : 'overview';
}

export function App() {
  const [state, setState] = useState<'loading' | 'out' | 'in'>('loading');
  const [page, setPage] = useState<Page>(pageFromHash());

  useEffect(() => {
    void api.resume().then((ok) => setState(ok ? 'in' : 'out'));
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Any 401 (idle timeout, logout elsewhere) returns to the login form.
  const onAuthLost = useCallback(() => setState('out'), []);

  if (state === 'loading') return <p>Loading…</p>;
  if (state === 'out') return <Login onIn={() => setState('in')} />;
  // An app's MCP connection request (docs/mcp-oauth.md): only a logged-in admin answers it.
  const connectUid = connectUidFromHash(window.location.hash);
  if (connectUid) return <Connect uid={connectUid} />;
  return (
    <>
      <header>
        <h1>Gatehouse</h1>
        <nav aria-label="Console pages">
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
              {titles[p]}
            </a>
          ))}
        </nav>
        <button type="button" onClick={() => void api.logout().then(() => setState('out'))}>
          Log out
        </button>
      </header>
      <main>
        <Guard onAuthLost={onAuthLost}>
          {(run) => (
            <>
              <SimulatedBanner run={run} />
              <h2>{titles[page]}</h2>
              <PageFor page={page} run={run} />
            </>
          )}
        </Guard>
      </main>
    </>
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

function Login(props: { onIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.login(token);
      setToken('');
      props.onIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <main>
      <h1>Gatehouse console</h1>
      <form className="inline" onSubmit={(e) => void submit(e)}>
        <label>
          Admin token
          <input
            type="password"
            autoComplete="current-password"
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
        The admin token is GATEHOUSE_ADMIN_TOKEN (gatehouse start prints one for a sandbox run).
      </p>
    </main>
  );
}
