// Role templates on the access matrix: pick an agent and a template, read what it grants, apply
// it in one click. Applying replaces the agent's grants with the template's (the admin API audits
// each change and the whole); the matrix is re-read afterwards.
import { useState } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import type { Run } from '../hooks';
import { useCan } from '../session';

type MatrixData = AdminResponse<'GET /admin/api/matrix'>;

const words = (t: MatrixData['templates'][number]) =>
  t.grants.length
    ? t.grants
        .map((g) => `${g.target} ${g.level}${g.approval ? ' (held for approval)' : ''}`)
        .join(', ')
    : 'no grants at all';

export function TemplatePicker(props: {
  data: MatrixData;
  /** The agent picked in "Show one agent", if any. */
  agentId: string;
  run: Run;
  onApplied: () => Promise<void>;
}) {
  const { data, run } = props;
  const [agentId, setAgentId] = useState(props.agentId || data.agents[0]?.id || '');
  const [templateId, setTemplateId] = useState(data.templates[0]?.id ?? '');
  const [done, setDone] = useState<string | null>(null);
  const canChange = useCan('admin');
  const agent = data.agents.find((a) => a.id === (props.agentId || agentId));
  const template = data.templates.find((t) => t.id === templateId);
  if (!agent || !template) return null;

  const apply = async () => {
    const applied = await run(() =>
      request('POST /admin/api/agents/{id}/template', {
        params: { id: agent.id },
        body: { template: template.id },
      }),
    );
    if (applied) {
      setDone(`${agent.name} now has the ${template.title} grants: ${words(template)}.`);
      await props.onApplied();
    }
  };

  return (
    <section className="templates" aria-label="Role templates">
      <h3>Role templates</h3>
      <fieldset className="bare" disabled={!canChange}>
        <div className="toolbar">
          {!props.agentId && (
            <label>
              Agent
              <select value={agent.id} onChange={(e) => setAgentId(e.target.value)}>
                {data.agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Template
            <select value={template.id} onChange={(e) => setTemplateId(e.target.value)}>
              {data.templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void apply()}>
            Apply {template.title} to {agent.name}
          </button>
        </div>
      </fieldset>
      <p className="template-description">
        {template.description} Grants: {words(template)}. Applying replaces {agent.name}&apos;s
        current grants.
      </p>
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
    </section>
  );
}
