/**
 * A query given to a database client (`psql -c`, `mysql -e`, `sqlite3 db "…"`) is read-only when it is
 * one SELECT/SHOW/EXPLAIN/WITH … SELECT statement that calls only functions known to have no side
 * effects and names no credential columns or tables. Anything a dialect could read differently from
 * this tokenizer — comments (MySQL runs `/*! … *\/`), backslashes (escapes and client meta-commands),
 * `$` (dollar quoting), `E'…'` strings, a second statement — is refused outright.
 */

const START = new Set(['SELECT', 'SHOW', 'EXPLAIN', 'WITH', 'VALUES', 'TABLE', 'DESCRIBE', 'DESC']);

/** Words that write, lock, change session state or run code in some dialect. */
const FORBIDDEN = new Set(
  `INSERT UPDATE DELETE MERGE UPSERT REPLACE DROP TRUNCATE ALTER CREATE GRANT REVOKE COPY CALL DO
  EXECUTE EXEC LOCK UNLOCK VACUUM ANALYZE ANALYSE REINDEX CLUSTER REFRESH NOTIFY LISTEN UNLISTEN KILL
  FLUSH RESET SET LOAD INTO OUTFILE DUMPFILE PURGE OPTIMIZE REPAIR INSTALL UNINSTALL SHUTDOWN HANDLER
  PREPARE DEALLOCATE SAVEPOINT RELEASE ROLLBACK COMMIT BEGIN START SHARE NOWAIT SKIP ATTACH DETACH
  PRAGMA IMPORT EXPORT BACKUP RESTORE CHECKPOINT DISCARD SECURITY DEFINER RETURNING CONNECT USE
  SOURCE SYSTEM DELIMITER PROCEDURE FUNCTION TRIGGER SERVER PLUGIN RECURSIVE UESCAPE NEXT
  LASTVAL PREVIOUS`
    .split(/\s+/)
    .filter(Boolean),
);

/** Functions with no side effects, in the dialects SREs query (PostgreSQL, MySQL, SQLite). */
const PURE_FUNCTIONS = new Set(
  `count sum avg min max coalesce nullif greatest least round floor ceil ceiling abs mod power sqrt
  now current_timestamp current_date localtimestamp statement_timestamp clock_timestamp extract
  date_trunc date_part age to_char to_timestamp to_date make_interval justify_interval
  lower upper length char_length octet_length substr substring trim ltrim rtrim concat concat_ws left
  right replace split_part position strpos format lpad rpad regexp_replace regexp_match
  string_agg array_agg array_length unnest json_agg jsonb_agg json_build_object jsonb_build_object
  row_to_json to_json to_jsonb jsonb_pretty cardinality array_to_string percentile_cont percentile_disc row_number rank
  dense_rank lag lead first_value last_value ntile cast
  pg_size_pretty pg_database_size pg_relation_size pg_total_relation_size pg_table_size
  pg_indexes_size pg_is_in_recovery pg_last_wal_receive_lsn pg_last_wal_replay_lsn
  pg_current_wal_lsn pg_current_wal_insert_lsn pg_wal_lsn_diff pg_last_xact_replay_timestamp
  pg_postmaster_start_time pg_conf_load_time pg_backend_pid pg_blocking_pids pg_is_wal_replay_paused
  pg_get_userbyid pg_get_indexdef pg_get_viewdef pg_relation_filenode pg_tablespace_size
  pg_column_size pg_get_constraintdef pg_describe_object pg_typeof pg_get_expr
  pg_current_logfile pg_size_bytes to_regclass pg_table_is_visible pg_ls_waldir pg_ls_logdir
  pg_stat_get_backend_pid pg_database_collation_actual_version
  current_setting version current_database current_schema current_user session_user
  inet_server_addr inet_server_port inet_client_addr age
  ifnull if isnull timestampdiff timestampadd from_unixtime unix_timestamp date_format date_sub
  date_add datediff sec_to_time time_to_sec group_concat convert curdate curtime sysdate
  julianday strftime datetime date time typeof total database user current_role schema
  generate_series connection_id`
    .split(/\s+/)
    .filter(Boolean),
);

/** Keywords that are followed by `(` without being a function call. */
const PAREN_KEYWORDS = new Set(
  'IN EXISTS ANY ALL SOME AS FROM JOIN ON USING OVER FILTER WITHIN VALUES AND OR NOT WHERE SELECT BY WHEN THEN ELSE LATERAL HAVING CASE'.split(
    ' ',
  ),
);

/**
 * Credential tables, settings and columns: password hashes, user mappings, replication and FDW
 * connection strings (with their passwords), archive commands (cloud keys), query logs, app secrets.
 */
const SECRET_NAMES =
  /^(grants|binlog|pg_stat_statements|events_statements_\w*|primary_conninfo|archive_command|restore_command|archive_cleanup_command|recovery_end_command|pg_settings|pg_file_settings|general_log|slow_log|servers|pg_authid|pg_shadow|pg_user_mappings?|pg_user_mapping|pg_subscription|pg_foreign_server|user_mapping_options|global_priv|subconninfo|srvoptions|umoptions|\w*master_info|\w*_info_repository|authentication_string|password\w*|passwd|\w*_password|\w*secret\w*|\w*token\w*|\w*credential\w*|api_?key\w*|private_key\w*)$/i;

type Token = { kind: 'word' | 'string' | 'quoted' | 'number' | 'punct'; text: string };

const MAX_LENGTH = 8192;

/**
 * psql's `-c` takes one SQL statement or one backslash command: the describe commands (`\l+`,
 * `\dt+ public.*`, `\du`, `\conninfo`) only list; every other one (`\!`, `\o |cmd`, `\copy`,
 * `\gexec`, `\i`, `\set`, `\c`) is refused.
 */
const PSQL_DESCRIBE =
  /^\\(l|d|dt|di|ds|dv|dm|dn|du|dg|dx|db|df|dp|dE|dy|conninfo)\+?S?( [A-Za-z0-9_.*"]{1,128})?$/;

export function checkPsqlCommand(text: string): boolean | string {
  return PSQL_DESCRIBE.test(text.trim()) || checkSql(text);
}

export function checkSql(text: string): boolean | string {
  // MySQL's `\G` (vertical output) ends a statement; no other backslash is read.
  const sql = text.replace(/\\G\s*$/, '');
  if (sql.length > MAX_LENGTH || /[\\$\0`]|--|\/\*|\*\/|#|U&/i.test(sql)) return false;
  const tokens = tokenize(sql);
  if (!tokens) return false;
  // One statement: a single trailing `;` at most.
  const semicolons = tokens.filter((t) => t.kind === 'punct' && t.text === ';');
  if (semicolons.length > 1 || (semicolons.length === 1 && tokens.at(-1)?.text !== ';')) return false;
  const first = tokens[0];
  if (first?.kind !== 'word' || !START.has(first.text.toUpperCase())) return false;
  // SHOW only displays (MySQL SHOW CREATE TABLE, SHOW CHARACTER SET); CREATE USER prints a hash.
  const show = first.text.toUpperCase() === 'SHOW';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    if (token.kind === 'quoted' && SECRET_NAMES.test(token.text.slice(1, -1)))
      return `the query reads ${token.text}, which holds credentials`;
    // `"pg_terminate_backend"(pid)`: a quoted name called as a function escapes the list below.
    if ((token.kind === 'quoted' || token.kind === 'string') && next?.text === '(') return false;
    if (token.kind !== 'word') continue;
    const upper = token.text.toUpperCase();
    if (FORBIDDEN.has(upper) && !(show && upper !== 'USER')) return false;
    // `SHOW ALL` prints every setting, primary_conninfo's password included.
    if (show && upper === 'ALL' && i === 1)
      return 'SHOW ALL prints the replication connection string with its password';
    // `mysql . user`: the schema and the table as separate tokens.
    if (
      /^(user|global_priv)$/i.test(token.text) &&
      tokens[i - 1]?.text === '.' &&
      /^mysql$/i.test(tokens[i - 2]?.text ?? '')
    )
      return `the query reads mysql.${token.text}, which holds credentials`;
    const bare = token.text.split('.').at(-1) ?? '';
    if (SECRET_NAMES.test(bare) || /^mysql\./i.test(token.text))
      return `the query reads ${token.text}, which holds credentials`;
    // `SHOW CREATE USER` prints the password hash.
    if (upper === 'USER' && tokens[i - 1]?.text.toUpperCase() === 'CREATE') return false;
    if (next?.text === '(' && !PAREN_KEYWORDS.has(upper) && !PURE_FUNCTIONS.has(token.text.toLowerCase()))
      return false;
  }
  return true;
}

/** Words, numbers, '…' strings ('' escapes), "…" identifiers and punctuation; null if unterminated. */
function tokenize(sql: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === "'" || char === '"') {
      let j = i + 1;
      for (;;) {
        const close = sql.indexOf(char, j);
        if (close === -1) return null;
        if (sql[close + 1] === char) {
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      // `E'…'`, `N'…'`, `U&'…'`, `B'…'`: prefixed strings have escape rules of their own.
      const previous = tokens.at(-1);
      if (
        previous &&
        previous.kind === 'word' &&
        sql[i - 1] !== ' ' &&
        i > 0 &&
        /[A-Za-z&]$/.test(sql[i - 1] ?? '')
      )
        return null;
      tokens.push({ kind: char === "'" ? 'string' : 'quoted', text: sql.slice(i, j) });
      i = j;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_*][A-Za-z0-9_]*)*/.exec(sql.slice(i, i + 256));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(sql.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    if (!/[(),.;*=<>!+\-/%:|&~^[\]{}?@]/.test(char)) return null;
    tokens.push({ kind: 'punct', text: char });
    i++;
  }
  return tokens;
}
