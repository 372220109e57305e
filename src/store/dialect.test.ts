// The SQLite statement cache: repeated SQL reuses one prepared statement, a statement busy in an
// iteration is never handed out twice, and the cache stays within its bound.
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { withStatementCache } from './dialect.js';

function counted() {
  const sqlite = new SqliteDatabase(':memory:');
  sqlite.exec('create table t (n integer)');
  sqlite.exec('insert into t values (1), (2), (3)');
  let prepared = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sqlText: string) => {
    prepared += 1;
    return prepare(sqlText);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared: () => prepared };
}

describe('withStatementCache', () => {
  it('prepares each SQL text once', () => {
    const { sqlite, prepared } = counted();
    const db = withStatementCache(sqlite);
    for (let i = 0; i < 5; i++) expect(db.prepare('select n from t').all([])).toHaveLength(3);
    expect(prepared()).toBe(1);
  });

  it('gives a fresh statement while the cached one is mid-iteration', () => {
    const { sqlite, prepared } = counted();
    const db = withStatementCache(sqlite);
    const outer = db.prepare('select n from t order by n');
    const seen: number[] = [];
    for (const row of outer.iterate([]) as Iterable<{ n: number }>) {
      // The same SQL again during the iteration would throw "busy" if the statement were shared.
      seen.push(row.n, (db.prepare('select n from t order by n').all([]) as unknown[]).length);
    }
    expect(seen).toEqual([1, 3, 2, 3, 3, 3]);
    expect(prepared()).toBe(4);
    // Once the iteration is over, the cached statement serves again.
    db.prepare('select n from t order by n').all([]);
    expect(prepared()).toBe(4);
  });

  it('keeps at most `size` statements, dropping the oldest', () => {
    const { sqlite, prepared } = counted();
    const db = withStatementCache(sqlite, 2);
    db.prepare('select 1').all([]);
    db.prepare('select 2').all([]);
    db.prepare('select 3').all([]);
    db.prepare('select 2').all([]);
    expect(prepared()).toBe(3);
    db.prepare('select 1').all([]);
    expect(prepared()).toBe(4);
  });
});
