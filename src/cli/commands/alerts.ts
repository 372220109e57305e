import { publicAlert } from '../../services/admin/public.js';
import { cliActor, createAdminChanges } from '../../services/admin/changes.js';
import { ago, CliError, parse, table, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse alerts [--all] [--json]
       gatehouse alerts ack <alert-id> [--note <text>]

Anomaly alerts (an agent with read trying a write, a burst of denials or calls, a token used from a
new address, credits spent faster than the budget allows), newest first, each with the audit
records that triggered it. Unacknowledged ones only, unless --all. Alerts are stored in the
database, so every replica and the console see the same ones.

  alerts ack <id>   acknowledges an alert (once; audited as admin.alert_acknowledge by
                    cli:<your user name>); a second ack changes nothing and says who acked it

Options: --all  --note  --db  --json  --help`;

/** `gatehouse alerts …` */
export async function alertsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('alerts', args, {
    ...storeOptions,
    all: { type: 'boolean', default: false },
    note: { type: 'string' },
  });
  if (values.help) {
    io.out(help);
    return 0;
  }
  const [sub, id, ...extra] = positionals;
  if (sub !== undefined && sub !== 'list' && sub !== 'ack') {
    throw new CliError(`unknown subcommand 'alerts ${sub}' (see gatehouse alerts --help)`, 2);
  }
  if (sub === 'ack') {
    if (!id || extra.length)
      throw new CliError('usage: gatehouse alerts ack <alert-id> [--note <text>]', 2);
    if (values.note !== undefined && values.note.length > 1000) {
      throw new CliError('--note is limited to 1000 characters', 2);
    }
    return withStore(io, values, async (store) => {
      const done = await createAdminChanges({ store }).acknowledgeAlert(
        id,
        values.note ?? null,
        cliActor(io.env),
      );
      if (!done.ok) throw new CliError(done.error.message);
      const { alert, already } = done.value;
      if (values.json)
        io.out(JSON.stringify({ alert: publicAlert(alert), already_acknowledged: already }));
      else if (already)
        io.out(
          `Alert ${alert.id} was already acknowledged by ${alert.acknowledgedBy} ${ago(alert.acknowledgedAt)}; nothing changed.`,
        );
      else io.out(`Acknowledged ${alert.id} (${alert.kind}, ${alert.agentName}).`);
      return 0;
    });
  }
  return withStore(io, values, async (store) => {
    const alerts = await store.alerts.list({ limit: 200, includeAcknowledged: values.all });
    if (values.json) io.out(JSON.stringify({ alerts: alerts.map(publicAlert) }));
    else if (!alerts.length)
      io.out(values.all ? 'No alerts.' : 'No unacknowledged alerts (see --all for the others).');
    else
      io.out(
        table(
          ['ID', 'WHEN', 'KIND', 'AGENT', 'WHAT', 'ACKNOWLEDGED'],
          alerts.map((a) => [
            a.id,
            ago(a.time),
            a.kind,
            a.agentName,
            a.message,
            a.acknowledgedBy ? `${a.acknowledgedBy} ${ago(a.acknowledgedAt)}` : '-',
          ]),
        ),
      );
    return 0;
  });
}
