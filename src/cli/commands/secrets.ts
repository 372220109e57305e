import {
  dropPreviousKeys,
  rotateKeyFile,
  type PersonalDataCounts,
  type SealingReport,
} from '../../store/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { commandConfig, storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse secrets rotate [--drop-old] [--db <path|url>]

Rotates the data key that seals the Apollo credential and the end-user data Gatehouse keeps (the
enrichment cache, asynchronous deliveries, held approvals; AES-256-GCM) and reseals all of it
under the new key, in batches. Nothing is lost on the way: the key file keeps the previous keys,
so a crash at any point leaves everything readable (run the command again to finish), and
running Gatehouse processes pick up the new key the next time they meet it (no restart, no
downtime).

  --drop-old   after resealing, remove the previous keys from the key file (do this once no
               backup you may restore still needs them); refused while anything is still
               sealed under a previous key

With GATEHOUSE_SECRET_KEY instead of a key file: set GATEHOUSE_SECRET_KEY to a new key
(openssl rand -base64 32) and GATEHOUSE_PREVIOUS_SECRET_KEYS to the old one, then run this
command; it reseals everything under the new key.

Options: --drop-old  --db  --json  --help`;

/** `gatehouse secrets rotate` */
export async function secretsCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(help);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'rotate') throw new CliError(`Unknown subcommand "secrets ${sub}". ${help}`);
  const { values } = parse(
    'secrets rotate',
    rest,
    { ...storeOptions, 'drop-old': { type: 'boolean', default: false } },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  const config = commandConfig(io, { db: values.db });
  const fromEnv = config.secretKey !== undefined;
  let rotatedFrom: string | null = null;
  if (!fromEnv) {
    const rotated = await rotateKeyFile(config.keyFile);
    if (!rotated.ok) throw new CliError(rotated.error.message);
    rotatedFrom = rotated.value.keyring.previous[0]?.id ?? null;
  }
  const report = await withStore(io, { db: values.db }, async (store) => {
    const resealed = await store.connection.reseal();
    if (!resealed.ok) {
      throw new CliError(
        `Could not reseal the Apollo credential: ${resealed.error.message}. Every key is still in place; nothing was lost.`,
      );
    }
    const data = await resealPersonalData(store.personalData);
    return { keyId: store.vault.currentKeyId, connection: resealed.value, ...data };
  });
  const left = total(report.stale);
  let dropped = 0;
  if (values['drop-old'] && left > 0) {
    io.err(
      `--drop-old refused: ${describeRows(report.stale)} still sealed under a previous key ` +
        `(${report.firstFailure ?? 'written by a Gatehouse process that had not loaded the new key yet'}). ` +
        'Every key stays in place; run the rotation again once every process uses the new key.',
    );
  } else if (values['drop-old']) {
    if (fromEnv) {
      io.err('--drop-old: remove the old key from GATEHOUSE_PREVIOUS_SECRET_KEYS yourself.');
    } else {
      const result = await dropPreviousKeys(config.keyFile);
      if (!result.ok) throw new CliError(result.error.message);
      dropped = result.value;
    }
  }
  const summary = {
    source: fromEnv ? 'GATEHOUSE_SECRET_KEY' : config.keyFile,
    key_id: report.keyId,
    previous_key_id: rotatedFrom,
    resealed: report.connection ? ['Apollo connection'] : [],
    resealed_rows: report.sealed,
    still_under_previous_keys: report.stale,
    previous_keys_dropped: dropped,
  };
  const code = left > 0 ? 1 : 0;
  if (values.json) {
    io.out(JSON.stringify(summary));
    return code;
  }
  io.out(
    [
      fromEnv
        ? `Resealed under the key in GATEHOUSE_SECRET_KEY (${report.keyId}).`
        : `Rotated the data key in ${config.keyFile}: now ${report.keyId}${rotatedFrom ? `, previously ${rotatedFrom}` : ''}.`,
      report.connection
        ? 'Resealed: the Apollo connection.'
        : 'Nothing to reseal: Apollo is not connected yet.',
      total(report.sealed)
        ? `Resealed end-user data: ${describeRows(report.sealed)}.`
        : 'No end-user data needed resealing.',
      left
        ? `Still sealed under a previous key: ${describeRows(report.stale)}` +
          (report.firstFailure ? ` (${report.firstFailure}).` : '; run the rotation again.')
        : '',
      dropped
        ? `Dropped ${dropped} previous key${dropped === 1 ? '' : 's'} from the key file.`
        : fromEnv
          ? ''
          : 'The previous key stays in the key file (older backups still open); --drop-old removes it.',
      'Running Gatehouse processes switch to the new key on their next use of the credential.',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return code;
}

/**
 * Reseals the end-user data, then once more if a running process on the old key wrote rows while
 * the first pass ran (a few passes at most: a process that never reloads is reported, not chased).
 */
async function resealPersonalData(sealing: {
  reseal(): Promise<SealingReport>;
  stale(): Promise<PersonalDataCounts>;
}): Promise<{ sealed: PersonalDataCounts; stale: PersonalDataCounts; firstFailure?: string }> {
  const sealed = { enrichment_cache: 0, deliveries: 0, approvals: 0, settings: 0 };
  let firstFailure: string | undefined;
  let stale: PersonalDataCounts = sealed;
  for (let pass = 0; pass < 3; pass += 1) {
    const done = await sealing.reseal();
    for (const table of Object.keys(sealed) as Array<keyof PersonalDataCounts>) {
      sealed[table] += done.sealed[table];
    }
    firstFailure ??= done.firstFailure;
    stale = await sealing.stale();
    if (total(stale) === 0 || total(done.failed) > 0) break;
  }
  return { sealed, stale, ...(firstFailure === undefined ? {} : { firstFailure }) };
}

function total(counts: PersonalDataCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** "12 enrichment cache rows, 1 delivery, 2 approvals, the cache's lookup key". */
function describeRows(counts: PersonalDataCounts): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    counts.enrichment_cache &&
      plural(counts.enrichment_cache, 'enrichment cache row', 'enrichment cache rows'),
    counts.deliveries && plural(counts.deliveries, 'delivery', 'deliveries'),
    counts.approvals && plural(counts.approvals, 'approval', 'approvals'),
    counts.settings && "the enrichment cache's lookup key",
  ]
    .filter(Boolean)
    .join(', ');
}
