import { dropPreviousKeys, rotateKeyFile } from '../../store/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { commandConfig, storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse secrets rotate [--drop-old] [--db <path|url>]

Rotates the data key that seals the Apollo credential (AES-256-GCM) and reseals every secret
under the new key. Nothing is lost on the way: the key file keeps the previous keys, so a crash
at any point leaves every secret readable, and running Gatehouse processes pick up the new key
the next time they open the credential (no restart, no downtime).

  --drop-old   after resealing, remove the previous keys from the key file (do this once no
               backup you may restore still needs them)

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
    return { keyId: store.vault.currentKeyId, connection: resealed.value };
  });
  let dropped = 0;
  if (values['drop-old']) {
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
    previous_keys_dropped: dropped,
  };
  if (values.json) {
    io.out(JSON.stringify(summary));
    return 0;
  }
  io.out(
    [
      fromEnv
        ? `Resealed under the key in GATEHOUSE_SECRET_KEY (${report.keyId}).`
        : `Rotated the data key in ${config.keyFile}: now ${report.keyId}${rotatedFrom ? `, previously ${rotatedFrom}` : ''}.`,
      report.connection
        ? 'Resealed: the Apollo connection.'
        : 'Nothing to reseal: Apollo is not connected yet.',
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
  return 0;
}
