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
// transaction is open) and other replicas, so a counter in this process cannot serve: there a
// trigger moves a row in the same transaction as the write (migration 0013), which each call
// reads once (dialect.ts, app/read-cache.ts).
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

/** The table a node names (a table, or an aliased one), if it is one. */
function tableName(node: unknown): string | undefined {
  const n = node as { kind?: string; node?: unknown; table?: { identifier?: { name?: unknown } } };
  if (n?.kind === 'AliasNode') return tableName(n.node);
  const name = n?.kind === 'TableNode' ? n.table?.identifier?.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** True when `node` may write one of the versioned tables (raw SQL always may). */
export function writesVersioned(node: OperationNode): boolean {
  if (!writeKinds.has(node.kind)) return false;
  const n = node as unknown as {
    into?: unknown;
    table?: unknown;
    from?: { froms?: readonly unknown[] };
    sqlFragments?: readonly string[];
  };
  if (node.kind === 'RawNode') {
    return /\b(insert|update|delete|drop|alter|create)\b/i.test((n.sqlFragments ?? []).join(' '));
  }
  // Only the written table matters (a subquery reading another table writes nothing there):
  // INSERT INTO, UPDATE and DELETE FROM. A target this does not recognise counts as a write.
  const targets =
    node.kind === 'InsertQueryNode'
      ? [n.into]
      : node.kind === 'UpdateQueryNode'
        ? [n.table]
        : (n.from?.froms ?? []);
  if (targets.length === 0) return true;
  return targets.some((t) => {
    const name = tableName(t);
    return name === undefined || versionedTables.has(name);
  });
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
