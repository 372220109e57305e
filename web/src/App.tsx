import { Chart, registerables } from 'chart.js';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';

import { Access } from './Access';
import { api, ApiError } from './api';
import type {
  AnswerRequest,
  CreateAgentRequest,
  LimitsRequest,
} from '../../src/surfaces/admin/contracts';

import { useLoad, type Run } from './hooks';

Chart.register(...registerables);

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
        <h2>{titles[page]}</h2>
        <Guard onAuthLost={onAuthLost}>
          {(run) => {
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
          }}
        </Guard>
      </main>
    </>
  );
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

interface OverviewData {
  connection: { kind: string | null; upstream: string; detail: string | null; age_days?: number };
  today: { calls: number; denials: number; credits: number };
  pending_approvals: number;
  warnings: string[];
  alerts: Array<{ id: string; kind: string; time: string; message: string; audit_ids: string[] }>;
  headroom: Array<{
    action: string;
    snapshot: {
      windows: Record<string, { limit: number | null; sent: number; left: number | null }>;
      queued: number;
    } | null;
  }>;
}

function Overview({ run }: { run: Run }) {
  const [data, reload] = useLoad<OverviewData>(run, '/admin/api/overview', 5000);
  if (!data) return <p>Loading…</p>;
  const c = data.connection;
  const acknowledge = async (id: string) => {
    const done = await run(() =>
      api.post(`/admin/api/alerts/${id}/acknowledge`, {} satisfies AnswerRequest),
    );
    if (done) void reload();
  };
  return (
    <>
      <div className="cards">
        <div className="card">
          Connection
          <strong>
            {c.kind === 'oauth' ? 'OAuth' : c.kind === 'apikey' ? 'API key' : 'Sandbox'}
          </strong>
          {c.upstream}
          {c.detail ? ` ${c.detail}` : ''}
          {c.age_days !== undefined ? `, ${c.age_days} days old` : ''}
        </div>
        <div className="card">
          Calls today<strong data-testid="calls-today">{data.today.calls}</strong>
        </div>
        <div className="card">
          Denials today<strong>{data.today.denials}</strong>
        </div>
        <div className="card">
          Credits today<strong>{data.today.credits}</strong>
        </div>
        <div className="card">
          Pending approvals<strong>{data.pending_approvals}</strong>
          {data.pending_approvals > 0 && <a href="#/approvals">Review</a>}
        </div>
      </div>
      {data.warnings.map((w) => (
        <p key={w} className="notice" role="note">
          {w}
        </p>
      ))}
      <ConnectOAuth run={run} />
      <h3>Alerts</h3>
      {data.alerts.length === 0 ? (
        <p>No unacknowledged alerts.</p>
      ) : (
        <ul aria-label="Alerts">
          {data.alerts.map((a) => (
            <li key={a.id}>
              <strong>{a.kind.replace(/_/g, ' ')}</strong> {new Date(a.time).toLocaleString()}:{' '}
              {a.message}
              {a.audit_ids.length > 0 && <> (audit {a.audit_ids.join(', ')})</>}{' '}
              <button
                type="button"
                aria-label={`Acknowledge alert ${a.id}`}
                onClick={() => void acknowledge(a.id)}
              >
                Acknowledge
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Rate headroom</h3>
      {data.headroom.length === 0 ? (
        <p>No calls to Apollo yet in this process.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Action</th>
              <th>Left this minute</th>
              <th>Left this hour</th>
              <th>Left today</th>
              <th>Queued</th>
            </tr>
          </thead>
          <tbody>
            {data.headroom.map((h) => {
              const w = h.snapshot?.windows ?? {};
              const left = (k: string) => {
                const x = w[k];
                return !x || x.limit === null ? 'no limit' : `${x.left ?? x.limit} of ${x.limit}`;
              };
              return (
                <tr key={h.action}>
                  <td>{h.action}</td>
                  <td>{left('minute')}</td>
                  <td>{left('hour')}</td>
                  <td>{left('day')}</td>
                  <td>{h.snapshot?.queued ?? 0}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Connect Apollo over OAuth: Apollo's consent page, then back to Gatehouse's /oauth/callback. */
function ConnectOAuth({ run }: { run: Run }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() =>
      api.post<{ url: string }>('/admin/api/connection/oauth', {
        client_id: clientId,
        client_secret: secret,
      }),
    );
    setSecret('');
    if (r) window.location.assign(r.url);
  };
  return (
    <details>
      <summary>Connect Apollo with OAuth</summary>
      <p>
        Register Gatehouse&apos;s <code>{window.location.origin}/oauth/callback</code> as the
        redirect URL of your Apollo OAuth app, then continue to Apollo to allow access.
      </p>
      <form className="inline" onSubmit={(e) => void submit(e)}>
        <label>
          Client id
          <input value={clientId} onChange={(e) => setClientId(e.target.value)} required />
        </label>
        <label>
          Client secret
          <input
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            required
          />
        </label>
        <button type="submit">Continue to Apollo</button>
      </form>
    </details>
  );
}

interface AgentRow {
  id: string;
  name: string;
  token_prefix: string;
  revoked_at: string | null;
  last_used_at: string | null;
  grants: Array<{ target: string; level: string; approval: boolean }>;
  credit_budget_day: number | null;
  credit_budget_month: number | null;
  requests_per_minute: number | null;
  redacted_fields: string[];
}

/** "" → null (no limit); otherwise the number typed. */
const limitValue = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/** An agent's limits: credit budgets, requests per minute and the fields removed from answers. */
function LimitsEditor(props: { agent: AgentRow; run: Run; onSaved: () => void }) {
  const a = props.agent;
  const [day, setDay] = useState(a.credit_budget_day?.toString() ?? '');
  const [month, setMonth] = useState(a.credit_budget_month?.toString() ?? '');
  const [rpm, setRpm] = useState(a.requests_per_minute?.toString() ?? '');
  const [redact, setRedact] = useState(a.redacted_fields.join(', '));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await props.run(() =>
      api.put(`/admin/api/agents/${a.id}/limits`, {
        credits_per_day: limitValue(day),
        credits_per_month: limitValue(month),
        requests_per_minute: limitValue(rpm),
        redact: redact
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      } satisfies LimitsRequest),
    );
    if (r) props.onSaved();
  };
  return (
    <details>
      <summary>
        Limits: {a.requests_per_minute ?? 'no'} req/min
        {a.redacted_fields.length ? `, hides ${a.redacted_fields.join(', ')}` : ''}
      </summary>
      <form className="limits" aria-label={`Limits of ${a.name}`} onSubmit={(e) => void save(e)}>
        <label>
          Credits per day
          <input type="number" min={0} value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
        <label>
          Credits per month
          <input type="number" min={0} value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <label>
          Requests per minute
          <input type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </label>
        <label>
          Redact fields
          <input
            value={redact}
            placeholder="email, phone_numbers"
            onChange={(e) => setRedact(e.target.value)}
          />
        </label>
        <button type="submit">Save limits</button>
        <small>Empty: no limit. Every change is in the audit trail.</small>
      </form>
    </details>
  );
}

function Agents({ run }: { run: Run }) {
  const [data, reload] = useLoad<{ agents: AgentRow[] }>(run, '/admin/api/agents');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() =>
      api.post<{ token: string; agent: { name: string } }>('/admin/api/agents', {
        name,
      } satisfies CreateAgentRequest),
    );
    if (r) {
      setIssued({ name: r.agent.name, token: r.token });
      setName('');
      void reload();
    }
  };
  const act = async (id: string, verb: 'rotate' | 'revoke', agentName: string) => {
    if (verb === 'revoke' && !window.confirm(`Revoke ${agentName}? Its token stops at once.`))
      return;
    const r = await run(() => api.post<{ token?: string }>(`/admin/api/agents/${id}/${verb}`));
    if (r?.token) setIssued({ name: agentName, token: r.token });
    void reload();
  };
  return (
    <>
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          New agent name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
        </label>
        <button type="submit">Create agent</button>
      </form>
      {issued && (
        <div className="notice" role="status">
          Token for <strong>{issued.name}</strong> (shown once; store it now):{' '}
          <span className="token" data-testid="issued-token">
            {issued.token}
          </span>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.token)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setIssued(null)}>
            Done
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Grants</th>
            <th>Last used</th>
            <th>Limits</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.agents.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>
                <code>{a.token_prefix}…</code>
              </td>
              <td>
                {a.grants
                  .map((g) => `${g.target}=${g.level}${g.approval ? ' (approval)' : ''}`)
                  .join(', ') || 'none'}
              </td>
              <td>{a.revoked_at ? `revoked ${a.revoked_at}` : (a.last_used_at ?? 'never')}</td>
              <td>
                <LimitsEditor agent={a} run={run} onSaved={() => void reload()} />
              </td>
              <td>
                {!a.revoked_at && (
                  <>
                    <button type="button" onClick={() => void act(a.id, 'rotate', a.name)}>
                      Rotate token
                    </button>{' '}
                    <button type="button" onClick={() => void act(a.id, 'revoke', a.name)}>
                      Revoke
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface AuditRow {
  id: string;
  time: string;
  agent: string | null;
  action: string;
  decision: string;
  sentence: string;
  credits: number;
}

function Audit({ run }: { run: Run }) {
  const [agent, setAgent] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState('');
  const [text, setText] = useState('');
  const query = new URLSearchParams({
    limit: '100',
    ...(agent ? { agent } : {}),
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
    ...(text ? { text } : {}),
  }).toString();
  // The live feed: polled every 2 s while the page is open.
  const [data] = useLoad<{ records: AuditRow[] }>(run, `/admin/api/audit?${query}`, 2000);
  const exportQuery = query.replace(/(^|&)limit=\d+/, '');
  return (
    <>
      <form className="inline" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <label>
          Agent
          <input value={agent} onChange={(e) => setAgent(e.target.value)} />
        </label>
        <label>
          Action
          <input value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <label>
          Decision
          <select value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="">any</option>
            {['allowed', 'denied', 'pending', 'approved', 'rejected', 'expired'].map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <a href={`/admin/api/audit/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a href={`/admin/api/audit/export?format=jsonl&${exportQuery}`} download>
          Export JSONL
        </a>
      </form>
      <table>
        <thead>
          <tr>
            <th>What happened</th>
            <th>When</th>
            <th>Decision</th>
            <th>Credits</th>
          </tr>
        </thead>
        <tbody data-testid="audit-feed">
          {data?.records.map((r) => (
            <tr key={r.id}>
              <td className="sentence">{r.sentence}</td>
              <td>{new Date(r.time).toLocaleString()}</td>
              {/* An admin's change is not a call an agent made: it is not "allowed". */}
              <td>{r.action.startsWith('admin.') ? 'admin change' : r.decision}</td>
              <td>{r.credits}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.records.length === 0 && <p>No records match.</p>}
    </>
  );
}

interface ApprovalRow {
  id: string;
  state: string;
  agent: { name: string };
  action: string;
  target: string;
  params: unknown;
  reason: string | null;
  expires_at: string;
}

function Approvals({ run }: { run: Run }) {
  const [data, reload] = useLoad<{ approvals: ApprovalRow[] }>(run, '/admin/api/approvals', 3000);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const answer = async (id: string, verb: 'approve' | 'reject') => {
    const r = await run(() =>
      api.post<{ approval: { state: string }; result?: { status: number } }>(
        `/admin/api/approvals/${id}/${verb}`,
        notes[id] ? { note: notes[id] } : {},
      ),
    );
    if (r) {
      setDone(
        `${id}: ${r.approval.state}${r.result ? ` (Apollo answered ${r.result.status})` : ''}`,
      );
    }
    void reload();
  };
  return (
    <>
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      {data && data.approvals.length === 0 && <p>Nothing waits for approval.</p>}
      {data?.approvals.map((a) => (
        <section key={a.id} className="card" aria-label={`Held call ${a.id}`}>
          <p>
            <strong>{a.agent.name}</strong> wants to run <code>{a.action}</code> {a.target}
          </p>
          {a.reason && <p>Reason given: “{a.reason}”</p>}
          <pre>{JSON.stringify(a.params, null, 2)}</pre>
          <p>Expires {new Date(a.expires_at).toLocaleString()}</p>
          <label>
            Note to the agent (optional)
            <input
              value={notes[a.id] ?? ''}
              onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })}
              maxLength={1000}
            />
          </label>{' '}
          <button type="button" onClick={() => void answer(a.id, 'approve')}>
            Approve
          </button>{' '}
          <button type="button" onClick={() => void answer(a.id, 'reject')}>
            Reject
          </button>
        </section>
      ))}
    </>
  );
}

interface UsageData {
  days: string[];
  agents: Array<{ agent: string; calls: number[]; denials: number[]; credits: number[] }>;
  actions: Array<{ action: string; calls: number; denials: number; credits: number }>;
}

function Usage({ run }: { run: Run }) {
  const [data] = useLoad<UsageData>(run, '/admin/api/usage?days=14', 10_000);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!data || !canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: data.days,
        datasets: data.agents.flatMap((a) => [
          { label: `${a.agent} calls`, data: a.calls, stack: a.agent },
          { label: `${a.agent} denials`, data: a.denials, stack: a.agent },
        ]),
      },
      options: { animation: false, responsive: true, scales: { x: { stacked: true } } },
    });
    return () => chart.destroy();
  }, [data]);
  return (
    <>
      <canvas ref={canvas} aria-label="Calls and denials per day per agent" role="img" />
      <table>
        <thead>
          <tr>
            <th>Agent</th>
            <th>Calls</th>
            <th>Denials</th>
            <th>Credits</th>
          </tr>
        </thead>
        <caption>Per agent, last 14 days</caption>
        <tbody data-testid="usage-table">
          {data?.agents.map((a) => (
            <tr key={a.agent}>
              <td>{a.agent}</td>
              <td>{a.calls.reduce((x, y) => x + y, 0)}</td>
              <td>{a.denials.reduce((x, y) => x + y, 0)}</td>
              <td>{a.credits.reduce((x, y) => x + y, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Per action, last 14 days</caption>
        <thead>
          <tr>
            <th>Action</th>
            <th>Calls</th>
            <th>Denials</th>
            <th>Credits</th>
          </tr>
        </thead>
        <tbody>
          {data?.actions.map((a) => (
            <tr key={a.action}>
              <td>{a.action}</td>
              <td>{a.calls}</td>
              <td>{a.denials}</td>
              <td>{a.credits}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
