// The audit records as a table (TanStack Table): time, agent, action, decision (coloured; an
// admin's change reads "admin change", not "allowed"), credits, the sentence, and a button that
// opens the record's details. Paging is the server's (Newer / Older), not the table's.
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { useMemo } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { When } from '../time';

type AuditRecord = AdminResponse<'GET /admin/api/audit'>['records'][number];
const column = createColumnHelper<AuditRecord>();
const shownDecision = (r: AuditRecord) =>
  r.action.startsWith('admin.') ? 'admin change' : r.decision;

export function AuditTable(props: {
  records: readonly AuditRecord[];
  opened: string | null;
  onOpen: (id: string) => void;
}) {
  const { opened, onOpen } = props;
  const columns = useMemo(
    () => [
      column.accessor('time', { header: 'When', cell: (c) => <When at={c.getValue()} /> }),
      column.accessor((r) => r.agent ?? 'unknown token', { id: 'agent', header: 'Agent' }),
      column.accessor('action', { header: 'Action', cell: (c) => <code>{c.getValue()}</code> }),
      column.accessor(shownDecision, {
        id: 'decision',
        header: 'Decision',
        meta: {
          className: (r: AuditRecord) => `decision decision-${shownDecision(r).replace(' ', '-')}`,
        },
      }),
      column.accessor('credits', { header: 'Credits' }),
      column.accessor('sentence', {
        header: 'What happened',
        meta: { className: () => 'sentence' },
      }),
      column.display({
        id: 'details',
        header: () => <span className="visually-hidden">Details</span>,
        cell: (c) => (
          <button
            type="button"
            aria-label={`Details of ${c.row.original.id}`}
            aria-expanded={opened === c.row.original.id}
            onClick={() => onOpen(c.row.original.id)}
          >
            Details
          </button>
        ),
      }),
    ],
    [opened, onOpen],
  );
  const table = useReactTable({
    data: props.records as AuditRecord[],
    columns,
    getRowId: (r) => r.id,
    getCoreRowModel: getCoreRowModel(),
  });
  return (
    <table>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((h) => (
              <th key={h.id} scope="col">
                {flexRender(h.column.columnDef.header, h.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody data-testid="audit-feed">
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getVisibleCells().map((cell) => {
              const meta = cell.column.columnDef.meta as
                { className?: (r: AuditRecord) => string } | undefined;
              return (
                <td key={cell.id} className={meta?.className?.(row.original)}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
