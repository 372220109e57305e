// A version of the rows every call reads (agents, grants, retired tokens, the connection), so the
// request path can keep them in memory and still see each change at once. SQLite only: the
// version is this process's count of its own writes to those tables, seen by a Kysely plugin on
// every insert, update and delete, joined to SQLite's `data_version`, which changes whenever
// another connection (a `gatehouse` CLI command in another process) commits anything.
//
// Why this is exact on SQLite: the process has one connection and Kysely's SQLite driver runs one
// query or transaction on it at a time. A reader that starts after a write began waits for its
// commit; a reader that read before the write finished carries the older version and is refused
// by the next lookup. Postgres has a pool (a reader may see the committed past while a
// transaction is open) and other replicas, so it gets no version and every call reads the rows.
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** The tables whose rows the request path keeps in memory. */
export const versionedTables: ReadonlySet<string> = new Set([
  'agents',
  'grants',
  'retired_tokens',
  'connection',
]);

const writeKinds = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'RawNode']);

/** The names of the tables an operation node mentions. */
function tablesOf(node: unknown, found: Set<string>, depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 12) return;
  const n = node as { kind?: string; table?: { identifier?: { name?: unknown } } };
  if (n.kind === 'TableNode' && typeof n.table?.identifier?.name === 'string') {
    found.add(n.table.identifier.name);
    return;
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const v of value) tablesOf(v, found, depth + 1);
    else if (value && typeof value === 'object') tablesOf(value, found, depth + 1);
  }
}

/** True when `node` may write one of the versioned tables (raw SQL always may). */
export function writesVersioned(node: OperationNode): boolean {
  if (!writeKinds.has(node.kind)) return false;
  if (node.kind === 'RawNode') {
    const text = (node as unknown as { sqlFragments?: readonly string[] }).sqlFragments ?? [];
    return /\b(insert|update|delete|drop|alter|create)\b/i.test(text.join(' '));
  }
  const tables = new Set<string>();
  tablesOf(node, tables);
  for (const t of tables) if (versionedTables.has(t)) return true;
  return false;
}

/** Counts this process's writes to the versioned tables: before each one runs, and after. */
export function createChangeCounter(): { plugin: KyselyPlugin; count(): number } {
  let writes = 0;
  const pending = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (writesVersioned(args.node)) {
        writes += 1;
        pending.add(args.queryId);
      }
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (pending.has(args.queryId)) {
        pending.delete(args.queryId);
        writes += 1;
      }
      return Promise.resolve(args.result);
    },
  };
  return { plugin, count: () => writes };
}
