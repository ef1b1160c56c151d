import type { CommandNode, ToolGrammar } from '../spec.js';

/**
 * Database and queue clients: queries go through the `sql` type (one read-only statement, no
 * comments, backslashes or client meta-commands). Every client refuses piped standard input (it
 * would run it), and only connects to loopback or policy.internalHosts. Options that run SQL or
 * programs of their own (`--init-command`, `--pager`, `-cmd`, `-f`), write files (`-o`, `--tee`,
 * `--rdb`), load config or plugins (`--defaults-file`, `--plugin-dir`) or carry credentials
 * (`-p`, `-a`, `-u URI`) are not declared, so they wait for a human.
 */

/**
 * A PostgreSQL database name, or a `postgres(ql)://` URI to a loopback host (or the default socket)
 * with no password, no percent-escapes and no parameters (sslkey, passfile, service… load files). A
 * value with `=` would be a conninfo string (`host=… sslrootcert=…`) and is not one.
 */
const PG_DB =
  /^(?:[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}|postgres(?:ql)?:\/\/(?:[A-Za-z0-9_.-]{1,63}@)?(?:localhost|127\.0\.0\.1|\[::1\])?(?::\d{1,5})?(?:\/[A-Za-z0-9_.$-]{0,63})?)$/;

/** psql -P: printing options only; never `pager` (runs $PAGER). */
const PG_PSET =
  /^(?:format=(?:aligned|unaligned|wrapped|csv|html|asciidoc|latex|latex-longtable|troff-ms)|border=[0-3]|(?:footer|tuples_only|t|numericlocale)(?:=(?:on|off))?|(?:expanded|x)(?:=(?:on|off|auto))?|pager=(?:off|0)|null=[^\0]{0,32}|(?:fieldsep|recordsep|csv_fieldsep)=[^\0]{1,8}|(?:fieldsep_zero|recordsep_zero)|linestyle=(?:ascii|old-ascii|unicode)|unicode_(?:border|column|header)_linestyle=(?:single|double)|columns=\d{1,4}|title=[^\0]{0,80})$/;

/** Any redis argument (a key, a count, a keyword): the command word decides what it is. */
const REDIS_ARG = /^[^\0]{1,1024}$/;

/**
 * `CONFIG GET` parameters: literal names only (CONFIG GET matches globs, and `*` prints
 * requirepass), and none that can hold a credential: requirepass, masterauth, masteruser,
 * tls-*-key-file-pass, aclfile, sentinel auth… are refused (they wait for a human).
 */
const REDIS_CONFIG_PARAM =
  /^(?![\s\S]*(?:pass|auth|user|key|secret|token|cert|tls|acl|sentinel))[a-z0-9-]{1,64}$/i;

const REDIS_KEY_COMMAND: CommandNode = { operands: ['redis-key'] };

/** Reading cached values: sessions, tokens and API keys live in caches, so a human decides. */
const REDIS_VALUE_READ: CommandNode = {
  operands: ['redis-arg*'],
  secret: 'cached values can be session tokens, credentials or personal data',
};

export const DATABASES: readonly ToolGrammar[] = [
  {
    // psql without -c/-l reads commands from its standard input: a form that names what it runs is
    // required. -f, -o (also `|program`), -L, -v/--set, -s (prompts) and -W (password prompt) are
    // left out. The dbname operand and -d accept a conninfo/URI: PG_DB keeps them local.
    program: 'psql',
    syntax: 'gnu',
    stdin: 'refuse',
    types: { 'pg-db': PG_DB, 'pg-pset': PG_PSET, 'psql-help': /^(?:options|commands|variables)$/ },
    options: {
      '-c --command': 'psql-command',
      '-d --dbname': 'pg-db',
      '-h --host': 'host',
      '-p --port': 'port',
      '-U --username': 'name',
      '-l --list -V --version -X --no-psqlrc -1 --single-transaction -w --no-password': 'flag',
      '-a --echo-all -b --echo-errors -e --echo-queries -E --echo-hidden -n --no-readline -q --quiet': 'flag',
      '-A --no-align --csv -H --html -t --tuples-only -x --expanded': 'flag',
      '-z --field-separator-zero -0 --record-separator-zero -?': 'flag',
      '-F --field-separator -R --record-separator -T --table-attr': 'text',
      '-P --pset': 'pg-pset',
      '--help': '[psql-help]',
    },
    requires: ['-c --command -l --list -V --version --help -?'],
    operands: ['pg-db?', 'name?'],
  },
  {
    program: 'pg_isready',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pg-db': PG_DB },
    options: {
      '-d --dbname': 'pg-db',
      '-h --host': 'host',
      '-p --port': 'port',
      '-U --username': 'name',
      '-t --timeout': 'uint',
      '-q --quiet -V --version -? --help': 'flag',
    },
  },
  {
    // Debian's postgresql-common (Perl Getopt::Long).
    program: 'pg_lsclusters',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'pg-version': /^\d{1,2}(?:\.\d{1,2})?(?:[-/][A-Za-z0-9_.-]{1,63})?$/,
      'pg-cluster': /^[A-Za-z0-9_.-]{1,63}$/,
    },
    options: { '-h --no-header -j --json -s --start-conf --help': 'flag' },
    operands: ['pg-version?', 'pg-cluster?'],
  },
  {
    // Reads the control file of a data directory (no passwords in it).
    program: 'pg_controldata',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-D --pgdata': 'meta-path', '-V --version -? --help': 'flag' },
    operands: ['meta-path?'],
  },
  {
    // MySQL/MariaDB client (my_getopt: permutes; accepts unambiguous prefixes of long options, and
    // `--loose-`/`--skip-`/`_` spellings: only the exact spellings below are read-only, so
    // `--init-c=…` or `--loose-init-command` wait for a human). Never -p/--password (a password on
    // the command line ends up in Slack; bare -p prompts), --defaults-file, --defaults-extra-file,
    // --defaults-group-suffix, --login-path, --print-defaults (prints the stored password),
    // --init-command (runs SQL), --plugin-dir/--default-auth (load plugins), --pager (runs a
    // program), --tee (writes a file), --local-infile/--load-data-local-dir (send files),
    // -G/--named-commands, --delimiter, -f/--force.
    program: 'mysql mariadb',
    syntax: 'gnu',
    stdin: 'refuse',
    // The `mysql` schema (user, global_priv: password hashes) is not a default database here, so an
    // unqualified `SELECT * FROM user` cannot reach it.
    types: { 'mysql-db': /^(?!mysql$)[A-Za-z0-9_][A-Za-z0-9_$-]{0,63}$/i },
    options: {
      '-e --execute': 'sql',
      '-h --host': 'host',
      '-P --port': 'port',
      '-u --user': 'name',
      '-D --database': 'mysql-db',
      '-S --socket': 'meta-path',
      '--protocol': ['tcp', 'socket', 'TCP', 'SOCKET'],
      '--ssl-mode': ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'],
      '--connect-timeout --select-limit --max-join-size': 'uint',
      '--default-character-set': 'name',
      '-N --skip-column-names --column-names -B --batch -s --silent -t --table -E --vertical -r --raw':
        'flag',
      '-X --xml -H --html -q --quick -n --unbuffered -v --verbose -A --no-auto-rehash -b --no-beep': 'flag',
      '--auto-vertical-output --binary-as-hex --column-type-info --line-numbers --show-warnings': 'flag',
      '-C --compress -U --safe-updates --i-am-a-dummy --sigint-ignore --sandbox --ssl': 'flag',
      '--ssl-verify-server-cert -V --version -? -I --help': 'flag',
    },
    // Without -e the client reads statements from its standard input.
    requires: ['-e --execute -V --version -? -I --help'],
    operands: ['mysql-db?'],
  },
  {
    // Commands are operands (several may follow). mysqladmin accepts unique prefixes of command
    // names (`shut`): only the exact read-only names are declared. Never kill, shutdown, flush-*,
    // create, drop, password, refresh, reload, start-*/stop-*, debug.
    program: 'mysqladmin mariadb-admin',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'mysqladmin-command': /^(?:status|extended-status|processlist|ping|version|variables)$/ },
    options: {
      '-h --host': 'host',
      '-P --port': 'port',
      '-u --user': 'name',
      '-S --socket': 'meta-path',
      '--protocol': ['tcp', 'socket', 'TCP', 'SOCKET'],
      '-i --sleep -c --count --connect-timeout': 'uint',
      '-w --wait': '[uint]',
      '-r --relative -E --vertical -v --verbose -s --silent -C --compress -b --no-beep --ssl': 'flag',
      '--ssl-verify-server-cert -V --version -? --help': 'flag',
    },
    operands: ['mysqladmin-command+'],
  },
  {
    // redis-cli stops reading options at the command word (its first operand): every later word is
    // an argument of the command. Without a command it runs a mode (--stat, --bigkeys, --scan,
    // --latency) or reads commands from its input, which is never a pipe here. Never -a/--pass/
    // --user/--askpass/-u URI (credentials), -x/-X (stdin), --rdb/--functions-rdb (dump to a file),
    // --pipe, --eval/--ldb (Lua), --replica (streams the replication feed), --cluster (admin),
    // --lru-test (writes keys), --insecure, --cert/--key. Commands: KEYS (blocks the server),
    // MONITOR (streams every command, AUTH included), DEBUG, FLUSH*, SHUTDOWN, CONFIG SET/REWRITE/
    // RESETSTAT, CLIENT KILL/PAUSE, REPLICAOF, FAILOVER, SAVE/BGSAVE, MODULE, ACL, EVAL, FUNCTION
    // are not declared. Key names are listed (SCAN, --scan); values are secret.
    // redis-cli writes its arguments as lines to whatever it connects to, so a free-text argument
    // (`ping flush_all`) would be a command to memcached or any line-based service on that port:
    // -p is limited to Redis ports and -s to Redis sockets. Counts that make one call walk the
    // whole keyspace or a whole value (SCAN … COUNT 1000000, MEMORY USAGE … SAMPLES 0), blocking
    // the server like KEYS, are refused, and -r repeats at most 1000 times.
    program: 'redis-cli valkey-cli',
    syntax: 'posix',
    stdin: 'refuse',
    ignoreCase: true,
    types: {
      'redis-key': REDIS_ARG,
      'redis-arg': REDIS_ARG,
      'redis-info-section': /^[A-Za-z_]{1,32}$/,
      'redis-config-param': REDIS_CONFIG_PARAM,
      'redis-port': /^(?:63[7-9]\d|700\d|263[7-9]\d)$/,
      'redis-socket':
        /^(?![\s\S]*\/\.\.?\/)\/[A-Za-z0-9_./-]{0,200}(?:redis|valkey)[A-Za-z0-9_./-]{0,200}\.sock$/,
      'redis-count': /^[1-9]\d{0,3}$/,
      'redis-repeat': /^(?:[1-9]\d{0,2}|1000)$/,
      // SCAN arguments: a cursor, MATCH pattern, COUNT n (at most 9999), TYPE t.
      'redis-scan-arg': /^(?!\d{5})[^\0]{1,1024}$/,
      'redis-samples': /^(?:samples|SAMPLES|[1-9]\d{0,3})$/,
    },
    options: {
      '-h': 'host',
      '-p': 'redis-port',
      '-s': 'redis-socket',
      '-n': 'uint',
      '--count --memkeys-samples': 'redis-count',
      '-r': 'redis-repeat',
      '-i': 'number',
      '-d -D --pattern --quoted-pattern': 'text',
      '--sni': 'name',
      '--cacert --cacertdir': 'meta-path',
      '--show-pushes': ['yes', 'no', 'y', 'n'],
      // Not -c: cluster mode follows redirects to other nodes and sends them the password.
      '-e -2 -3 --tls --raw --no-raw --csv --json --quoted-json --verbose --no-auth-warning': 'flag',
      '--stat --latency --latency-history --latency-dist --bigkeys --memkeys --hotkeys --scan': 'flag',
      '--help --version': 'flag',
    },
    operands: [],
    // Alone, redis-cli is an interactive prompt reading commands from its input.
    requires: [
      '<subcommand> --stat --latency --latency-history --latency-dist --bigkeys --memkeys --hotkeys --scan --help --version',
    ],
    subcommands: {
      ping: { operands: ['redis-arg?'] },
      info: { operands: ['redis-info-section*'] },
      'dbsize time role lastsave': { operands: [] },
      slowlog: { ignoreCase: true, subcommands: { get: { operands: ['uint?'] }, len: { operands: [] } } },
      client: {
        ignoreCase: true,
        subcommands: { list: { operands: ['redis-arg*'] }, 'info getname id': { operands: [] } },
      },
      latency: {
        ignoreCase: true,
        subcommands: {
          'latest doctor': { operands: [] },
          'history graph': { operands: ['redis-arg'] },
          histogram: { operands: ['redis-arg*'] },
        },
      },
      memory: {
        ignoreCase: true,
        subcommands: {
          'stats doctor malloc-stats': { operands: [] },
          usage: { operands: ['redis-key', 'redis-samples*'] },
        },
      },
      cluster: {
        ignoreCase: true,
        subcommands: {
          'info nodes slots shards myid links': { operands: [] },
          countkeysinslot: { operands: ['uint'] },
          keyslot: { operands: ['redis-key'] },
        },
      },
      config: { ignoreCase: true, subcommands: { get: { operands: ['redis-config-param+'] } } },
      'type ttl pttl expiretime pexpiretime strlen llen scard hlen zcard xlen': REDIS_KEY_COMMAND,
      exists: { operands: ['redis-key+'] },
      object: { ignoreCase: true, subcommands: { 'encoding freq idletime refcount': REDIS_KEY_COMMAND } },
      scan: { operands: ['uint', 'redis-scan-arg*'] },
      command: {
        ignoreCase: true,
        subcommands: { count: { operands: [] }, 'info docs': { operands: ['redis-arg*'] } },
      },
      xinfo: {
        ignoreCase: true,
        subcommands: { groups: REDIS_KEY_COMMAND, consumers: { operands: ['redis-key', 'redis-arg'] } },
      },
      'get mget getrange hget hmget hgetall hvals hscan lrange lindex smembers srandmember sscan':
        REDIS_VALUE_READ,
      'zrange zrangebyscore zrevrange zscan xrange xrevrange dump': REDIS_VALUE_READ,
    },
  },
  {
    // sqlite3 reads single-dash long options (a double dash is accepted too) anywhere on the line;
    // the first operand is the database, the next ones SQL or dot-commands. -readonly is required
    // (opens the file read-only). Never -cmd/-init (run dot-commands: .shell, .output), -A/-append/
    // -zip/-deserialize, -interactive (reads stdin), -nonce (lifts -safe), -vfs.
    program: 'sqlite3',
    syntax: 'words',
    stdin: 'refuse',
    types: {
      // Dot-commands that only describe the schema.
      'sqlite-dot':
        /^\.(?:tables|schema|indexes|indices|databases|dbinfo|fullschema)(?: [A-Za-z0-9_%]{1,64})?$/,
    },
    options: {
      '-readonly --readonly -safe --safe -header --header -noheader --noheader': 'flag',
      '-ascii --ascii -box --box -column --column -csv --csv -html --html -json --json': 'flag',
      '-line --line -list --list -markdown --markdown -quote --quote -table --table -tabs --tabs': 'flag',
      '-bail --bail -batch --batch -echo --echo -nofollow --nofollow -version --version': 'flag',
      '-separator --separator -newline --newline -nullvalue --nullvalue': 'text',
    },
    requires: ['-readonly --readonly'],
    operands: ['path', 'sql?', 'sqlite-dot?'],
  },
  {
    // Elixir OptionParser: options anywhere, no abbreviations. `environment` and `report` print the
    // broker's configuration (default_pass…): not declared. --erlang-cookie is a credential.
    // -n names an Erlang node; only local or short (cluster-internal) host names are accepted, as a
    // remote node would receive a challenge answered with the local cookie.
    program: 'rabbitmqctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      // Only this host: a short name may resolve to another machine (and Erlang answers with the cookie).
      'rabbit-node': /^[A-Za-z0-9_-]{1,64}@(?:localhost|127\.0\.0\.1)$/,
      'rabbit-vhost': /^[A-Za-z0-9_/.:-]{1,255}$/,
      'rabbit-info-item': /^[a-z_.]{1,64}$/,
    },
    options: {
      '-n --node': 'rabbit-node',
      '-p --vhost': 'rabbit-vhost',
      '-t --timeout': 'uint',
      '--formatter': ['table', 'json', 'csv', 'pretty_table', 'erlang', 'string'],
      '-q --quiet -s --silent --no-table-headers -l --longnames': 'flag',
    },
    subcommands: {
      'status cluster_status list_vhosts list_users list_policies list_permissions': { operands: [] },
      'list_queues list_exchanges list_bindings list_connections list_channels list_consumers': {
        options: { '--offline --online --local': 'flag' },
        operands: ['rabbit-info-item*'],
      },
    },
  },
  {
    // Java joptsimple: accepts abbreviations of long options; exact spellings only here. Never
    // --create/--alter/--delete, --command-config (loads client properties), --config.
    program: 'kafka-topics kafka-topics.sh',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'kafka-name': /^[A-Za-z0-9._-]{1,249}$/ },
    options: {
      '--bootstrap-server --zookeeper': 'hostport',
      '--topic': 'kafka-name',
      '--describe --list --exclude-internal --under-replicated-partitions --unavailable-partitions': 'flag',
      '--under-min-isr-partitions --at-min-isr-partitions --topics-with-overrides --version --help': 'flag',
    },
    requires: ['--describe --list --version --help'],
  },
  {
    // Never --reset-offsets, --delete, --delete-offsets, --execute, --command-config.
    program: 'kafka-consumer-groups kafka-consumer-groups.sh',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'kafka-name': /^[A-Za-z0-9._-]{1,249}$/ },
    options: {
      '--bootstrap-server': 'hostport',
      '--group': 'kafka-name',
      '--timeout': 'uint',
      '--describe --list --all-groups --members --offsets --state --verbose --version --help': 'flag',
    },
    requires: ['--describe --list --version --help'],
  },
];
