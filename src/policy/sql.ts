import { change, deny, destroy, read, type Verdict, worst } from './verdict.js';

/**
 * SQL given to a database client (`psql -c`, `mysql -e`, a here-document). A keyword check, not a
 * SQL parser: a statement is read-only only when it starts like a query and names nothing that
 * writes; anything unrecognised is a change. Quoted strings and comments are blanked first so
 * `SELECT 'DROP TABLE'` is a query.
 */

const WRITES =
  /\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|DROP|TRUNCATE|ALTER|CREATE|GRANT|REVOKE|COPY|CALL|DO|EXECUTE|LOCK|VACUUM|ANALYZE|REINDEX|CLUSTER|REFRESH|NOTIFY|KILL|FLUSH|RESET|LOAD|INTO|OUTFILE|DUMPFILE|PURGE|OPTIMIZE|REPAIR|INSTALL|UNINSTALL|SHUTDOWN|HANDLER|PREPARE|DEALLOCATE|SAVEPOINT|RELEASE|ROLLBACK|COMMIT)\b/;
const SIDE_EFFECT_FUNCTIONS =
  /\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_promote|pg_create_\w+|pg_drop_\w+|pg_advisory_\w*|pg_stat_reset\w*|pg_file_write|pg_read_\w+|pg_ls_dir|set_config|lo_\w+|dblink\w*|nextval|setval|sys_exec|sys_eval|load_file|sleep|pg_sleep\w*|benchmark)\s*\(/i;
const QUERY_START = /^(SELECT|SHOW|EXPLAIN|DESCRIBE|DESC|VALUES|TABLE|WITH|HELP|STATUS|USE)\b/;

function blank(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "''")
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "''")
    .replace(/--[^\n]*/g, ' ')
    .replace(/#[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function statement(text: string): Verdict | null {
  const sql = text.trim().toUpperCase().replace(/\s+/g, ' ');
  if (sql === '') return null;
  if (/^DROP (DATABASE|SCHEMA|TABLE|USER|ROLE|OWNED|KEYSPACE|COLLECTION)\b/.test(sql))
    return destroy(`${sql.split(' ').slice(0, 2).join(' ')} deletes data for good`);
  if (/^TRUNCATE\b/.test(sql)) return destroy('TRUNCATE empties tables for good');
  if (/^DELETE\b/.test(sql) && !/\bWHERE\b/.test(sql))
    return destroy('DELETE without WHERE empties the table');
  if (/^UPDATE\b/.test(sql) && !/\bWHERE\b/.test(sql))
    return destroy('UPDATE without WHERE rewrites every row');
  if (/^ALTER TABLE\b.*\bDROP\b/.test(sql))
    return destroy('ALTER TABLE … DROP deletes columns and their data');
  if (/\bTO PROGRAM\b|\bFROM PROGRAM\b/.test(sql))
    return deny('hidden', 'COPY … PROGRAM runs a shell command on the database host');
  if (QUERY_START.test(sql) && !WRITES.test(sql) && !SIDE_EFFECT_FUNCTIONS.test(sql))
    return read(`${sql.split(' ')[0]} only reads`);
  return change(`${sql.split(' ').slice(0, 2).join(' ')} changes the database`);
}

/** Client meta-commands: psql `\d…`, mysql `\s`, sqlite `.tables`; `\!`/`system`/`.shell` run shell commands. */
function metaCommand(line: string): Verdict | null {
  const trimmed = line.trim();
  if (/^(\\!|system\b|\.shell\b|\.system\b)/i.test(trimmed))
    return deny('hidden', `the client command ${trimmed.split(/\s/)[0]} runs a shell command`);
  if (
    /^\\(o|out|w|g|gexec|gset|copy|i|ir|include|lo_\w+|setenv|cd)\b/.test(trimmed) ||
    /^\.(output|once|save|backup|restore|import|load|excel|cd)\b/.test(trimmed)
  )
    return change(`the client command ${trimmed.split(/\s/)[0]} writes files or runs scripts`);
  if (/^\\/.test(trimmed)) return read(`${trimmed.split(/\s/)[0]} only reads`);
  if (/^\.\w+/.test(trimmed)) return read(`${trimmed.split(/\s/)[0]} only reads`);
  return null;
}

export function classifySql(text: string): Verdict {
  const verdicts: Verdict[] = [];
  const sqlLines: string[] = [];
  for (const line of text.split('\n')) {
    const meta = metaCommand(line);
    if (meta) verdicts.push(meta);
    else sqlLines.push(line);
  }
  for (const part of blank(sqlLines.join('\n')).split(/;|\\g\b|\bGO\b/)) {
    const verdict = statement(part);
    if (verdict) verdicts.push(verdict);
  }
  return worst(verdicts) ?? read('empty SQL');
}
