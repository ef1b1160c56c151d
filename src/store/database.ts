import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { AalsError, ErrorCode, errorMessage } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export const DATABASE_FILE = 'aals.sqlite';

/** Opens (creating if needed) the SQLite store in WAL mode, loads sqlite-vec and migrates. */
export function openDatabase(dataDir: string | ':memory:', migrations: Migration[] = MIGRATIONS): Db {
  let db: Db;
  try {
    if (dataDir === ':memory:') {
      db = new Database(':memory:');
    } else {
      mkdirSync(dataDir, { recursive: true });
      db = new Database(join(dataDir, DATABASE_FILE));
    }
  } catch (error) {
    throw new AalsError(
      ErrorCode.StoreFailed,
      `cannot open the SQLite store in ${dataDir}: ${errorMessage(error)}`,
      {
        dataDir,
      },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  sqliteVec.load(db);
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const newlyApplied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}

/** Prepares each SQL text once and reuses the statement (preparing is the costly part of a query). */
export function statementCache(db: Db): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

export function schemaVersion(db: Db): number {
  return Number(db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get());
}

export function vecVersion(db: Db): string {
  return String(db.prepare('SELECT vec_version()').pluck().get());
}
