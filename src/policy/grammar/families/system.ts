import type { ToolGrammar } from '../spec.js';

/**
 * System state: systemd and its journal, processes, memory and CPU statistics, block devices and
 * mounts, kernel parameters, logins, packages, time sync, storage health and Ceph. Only the forms that
 * print state are declared: verbs and options that start, stop, set, write, clear or load a file of
 * settings wait for a human, and so does every option that points a tool at another host or root
 * (`-H/--host`, `-M/--machine`, `--root`, `--image`).
 *
 * Not declared here on purpose: `df` and `nproc` (the files family declares them), `needrestart` (it
 * can restart services), `virsh`, `at`/`batch`, `pkill`/`kill`/`renice`, `timedatectl set-*`,
 * `sysctl -w/-p/--system`, `journalctl --vacuum-*`/`--rotate`/`--flush`.
 */

/** Journal output modes (systemd's output_mode table; `help` lists them). */
const JOURNAL_OUTPUT = [
  'short',
  'short-full',
  'short-iso',
  'short-iso-precise',
  'short-precise',
  'short-monotonic',
  'short-unix',
  'short-delta',
  'verbose',
  'export',
  'json',
  'json-pretty',
  'json-sse',
  'json-seq',
  'cat',
  'with-unit',
  'help',
];

/** systemd's parse_boolean. */
const SYSTEMD_BOOL = /^(1|0|yes|no|y|n|true|false|t|f|on|off)$/;

/** Property names for `-p` (a comma list, or the option repeated). */
/** Property names; not Environment, EnvironmentFiles or credentials (they hold secrets). */
const SYSTEMD_PROPERTIES =
  /^(?![\s\S]*\b(Environment|EnvironmentFiles?|SetCredential\w*|LoadCredential\w*)\b)[A-Za-z][A-Za-z0-9_]*(,[A-Za-z][A-Za-z0-9_]*)*$/;

/** LVM's report and display commands read the same field lists, selections and names. */
const LVM_TYPES = {
  fields: /^[+-]?[A-Za-z0-9_]+(,[+-]?[A-Za-z0-9_]+)*$/,
  selection: /^[A-Za-z0-9_ =!<>~'"().,&|/%+-]{1,256}$/,
  'lvm-name': /^[A-Za-z0-9_+./][A-Za-z0-9_+./-]*$/,
};
const LVM_UNITS = [...'rRhHbBsSkKmMgGtTpPeE'];

/** A login session ID, user, or seat as loginctl takes them. */
const LOGIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;

/** Syslog priorities as journalctl -p and dmesg -l take them (a level, or a range `a..b`). */
const JOURNAL_LEVEL = '(emerg|alert|crit|err|warning|notice|info|debug|[0-7])';

/**
 * ps user lists for `-u`. ps retries an argv it cannot use as "BSD options" (ps's `-aux` kludge): in
 * that second pass `-u` takes no value, so the user list becomes a word of BSD option letters, and
 * `-e` becomes BSD `e`, which prints every process's environment. A user that does not exist makes
 * the first pass fail, so `ps -e -u xe` would print environments. A `-u` value is accepted only when
 * it is numeric (never looked up) or when its BSD reading certainly fails: the first character that
 * is not a plain BSD flag letter is no BSD option at all, or starts a pid list (`p`, a digit) that
 * cannot parse, or starts a format (`o`) or sort key (`k`, after its sign) whose first item holds
 * `.` or `-`, which no keyword does; or it is one of the common service accounts checked by hand (`root`: `r`, then the
 * format `ot`, which does not exist).
 */
const PS_BSD_FLAGS = 'HMSTXZacefghjlmnrsuvwx';
const PS_USER_NAME = '[a-z_][a-z0-9_.-]{0,31}';
const PS_CHECKED_USERS =
  'root|nobody|node|oracle|operator|mongodb|couchdb|consul|logstash|jenkins|kafka|kibana|chrony|solr|tomcat|elasticsearch|centos';
const PS_BSD_FAILS =
  `[${PS_BSD_FLAGS}]*(` +
  `[^${PS_BSD_FLAGS}NOUkopt0-9]` + // not a BSD option: the parse stops with an error
  `|[p0-9].*[^0-9a-fA-FxX,]` + // a pid list that does not parse
  '|o[^,]*[.-]|k[+-]?[^,+-][^,]*[.-]' + // a format or sort key that does not exist
  ')';
const PS_USER = new RegExp(
  `^(\\d{1,10}(,\\d{1,10})*|(?=(${PS_CHECKED_USERS})(,|$)|${PS_BSD_FAILS})${PS_USER_NAME}(,${PS_USER_NAME})*)$`,
);

export const SYSTEM: readonly ToolGrammar[] = [
  // ---------------------------------------------------------------- systemd
  {
    // Every option is global (getopt_long over the whole argv). Not declared: -H/--host,
    // -M/--machine, --root, --image, -s/--signal and --kill-whom (kill), --now, --runtime, --force,
    // --job-mode, --what, --dry-run, --global, --wait, and every verb that changes state.
    program: 'systemctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'unit-type-list': /^[a-z-]+(,[a-z-]+)*$/,
      'unit-state-list': /^[a-z-]+(,[a-z-]+)*$/,
      'property-list': SYSTEMD_PROPERTIES,
      bool: SYSTEMD_BOOL,
    },
    options: {
      '-t --type': 'unit-type-list',
      '--state': 'unit-state-list',
      '-p --property -P': 'property-list',
      '-a --all -l --full -r --recursive --reverse --after --before --with-dependencies --failed': 'flag',
      '--plain --no-pager --no-legend --value --show-types -q --quiet --no-warn --no-ask-password': 'flag',
      '--system --user --version': 'flag',
      '--legend': 'bool',
      '-n --lines': 'uint',
      '-o --output': JOURNAL_OUTPUT,
      '--timestamp': ['pretty', 'unix', 'us', 'µs', 'utc', 'us+utc', 'µs+utc'],
    },
    // Bare `systemctl` lists units.
    operands: [],
    subcommands: {
      'list-units list-sockets list-timers list-automounts list-paths list-unit-files': {
        operands: ['unit*'],
      },
      'list-dependencies list-jobs list-machines': { operands: ['unit*'] },
      status: { operands: ['unit*'] },
      // Without -p, `show` prints every property, Environment= (passwords) among them. `cat` prints
      // the unit files: an Environment= line there is redacted on the way out (a residual risk).
      show: { operands: ['unit+'], requires: ['-p --property -P'] },
      cat: { operands: ['unit+'] },
      'is-active is-enabled': { operands: ['unit+'] },
      'is-failed whoami': { operands: ['unit*'] },
      'is-system-running get-default': { operands: [] },
      // Without a value these only print the current setting; with one they set it.
      'log-level log-target service-watchdogs': { operands: [] },
      'service-log-level service-log-target': { operands: ['unit'] },
      'show-environment': {
        operands: [],
        secret: "prints the service manager's environment, which may hold credentials",
      },
    },
  },
  {
    // SysV `service NAME status` and `service --status-all`; every other action waits.
    program: 'service',
    syntax: 'posix',
    stdin: 'ignore',
    types: { 'status-action': /^status$/ },
    options: { '--status-all': 'flag' },
    operands: ['unit', 'status-action'],
    operandsWith: { '--status-all': [] },
  },
  {
    // Not declared: verify (loads unit files and runs man), condition, unit-shell, inspect-elf,
    // log-level/log-target (set), --root, --image, --offline, --security-policy, --profile,
    // --generators, -H, -M.
    program: 'systemd-analyze',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'syscall-group': /^@?[a-z0-9_-]{1,64}$/,
      // Configuration names cat-config prints: systemd's own *.conf files and the *.d directories of
      // system tools (not environment.d).
      'config-name':
        /^(systemd\/[a-z-]+\.conf|systemd\/[a-z-]+\.conf\.d|(tmpfiles|sysctl|sysusers|modules-load|binfmt)\.d|udev\/udev\.conf|udev\/rules\.d)$/,
      'spec-text': /^[A-Za-z0-9 :.,*~/+_-]{1,128}$/,
    },
    options: {
      '--no-pager -q --quiet --system --user --order --require': 'flag',
      '--from-pattern --to-pattern': 'unit',
      '--fuzz': 'duration',
      '--iterations --threshold': 'uint',
      '--base-time': 'time',
      '--json': ['pretty', 'short', 'off'],
    },
    // Bare `systemd-analyze` is `time`.
    operands: [],
    subcommands: {
      'time blame plot unit-paths': { operands: [] },
      'critical-chain dot dump unit-files security': { operands: ['unit*'] },
      'exit-status capability': { operands: ['name*'] },
      'syscall-filter filesystems': { operands: ['syscall-group*'] },
      'calendar timestamp timespan': { operands: ['spec-text+'] },
      'cat-config': { operands: ['config-name+'] },
    },
  },
  {
    // `-n` and `-b` take an optional value: journalctl reads the NEXT word as that value when it
    // parses as a line count / boot ID (`-n 50`, `-b -1`), so such words are accepted as operands
    // (`journal-arg`) and `-1`-style words as options (`-#`); either reading only filters the output.
    // Not declared: --vacuum-*, --rotate, --flush, --sync, --relinquish-var, --smart-relinquish-var,
    // --setup-keys, --update-catalog, --verify(-key), --interval, --force, --cursor-file (writes),
    // -M/--machine, --root, --image, --synchronize-on-exit, --new-id128.
    program: 'journalctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'journal-lines': /^[+]?\d{1,9}$|^all$/,
      'boot-id': /^([+-]?\d{1,6}|[0-9a-fA-F]{32}([+-]\d{1,6})?|all)$/,
      'journal-arg':
        /^([A-Z0-9_]+=[^\0]*|\+|[+-]?\d{1,9}|all|[0-9a-fA-F]{32}([+-]\d{1,6})?|\/[A-Za-z0-9_.@+/-]+)$/,
      'journal-time': /^[A-Za-z0-9 :.,+_/@-]{1,64}$/,
      priority: new RegExp(`^${JOURNAL_LEVEL}(\\.\\.${JOURNAL_LEVEL})?$`),
      facility: /^[a-z0-9]+(,[a-z0-9]+)*$/,
      // Not COREDUMP_ENVIRON: the environment of a crashed process.
      'field-list': /^(?!(.*,)?COREDUMP_ENVIRON(,|$))[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$/,
      field: /^(?!COREDUMP_ENVIRON$)[A-Za-z0-9_]{1,64}$/,
      cursor: /^[A-Za-z0-9=;]{1,512}$/,
      namespace: /^(\*|\+?[A-Za-z0-9_.-]{1,64})$/,
      // --file names journal files (journalctl expands its own globs); `-` (stdin) is left out.
      'journal-file': /^[A-Za-z0-9_./@:*?+][A-Za-z0-9_./@:*?+-]*$/,
      bool: SYSTEMD_BOOL,
    },
    options: {
      '-u --unit --user-unit': 'unit',
      '-t --identifier -T --exclude-identifier': 'text',
      '-g --grep': 'text',
      '--case-sensitive': '[bool]',
      '-n --lines': '[journal-lines]',
      '-#': 'flag',
      '-b --boot': '[boot-id]',
      '--invocation': 'boot-id',
      '-S --since -U --until': 'journal-time',
      '-p --priority': 'priority',
      '--facility': 'facility',
      '-o --output': JOURNAL_OUTPUT,
      '--output-fields': 'field-list',
      '-F --field': 'field',
      '-c --cursor --after-cursor': 'cursor',
      '-D --directory': 'meta-path',
      '-i --file': 'journal-file',
      '--namespace': 'namespace',
      '-f --follow -e --pager-end -r --reverse -x --catalog -k --dmesg -q --quiet -a --all -l --full': 'flag',
      '-m --merge -N --fields -I -W --no-hostname --no-full --no-tail --no-pager --utc --show-cursor': 'flag',
      '--truncate-newline --list-boots --list-invocations --list-namespaces --disk-usage --header --verify':
        'flag',
      '--list-catalog --dump-catalog --system --user --version': 'flag',
    },
    operands: ['journal-arg*'],
  },
  {
    // Not declared: activate, lock/unlock, terminate-*, kill-*, enable/disable-linger, attach,
    // flush-devices, -s/--signal, --kill-whom, -H, -M.
    program: 'loginctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'property-list': SYSTEMD_PROPERTIES, 'login-name': LOGIN_NAME },
    options: {
      '--no-pager --no-legend --no-ask-password -a --all -l --full --value --version': 'flag',
      '-p --property -P': 'property-list',
      '-n --lines': 'uint',
      '-o --output': JOURNAL_OUTPUT,
      '--json': ['pretty', 'short', 'off'],
    },
    // Bare `loginctl` lists sessions.
    operands: [],
    subcommands: {
      'list-sessions list-users list-seats': { operands: [] },
      'session-status show-session user-status show-user seat-status show-seat': {
        operands: ['login-name*'],
      },
    },
  },
  {
    // Not declared: set-time, set-timezone, set-local-rtc, set-ntp, ntp-servers, revert,
    // --adjust-system-clock, -H, -M.
    program: 'timedatectl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'property-list': SYSTEMD_PROPERTIES },
    options: {
      '--no-pager --no-ask-password -a --all --value --version': 'flag',
      '-p --property': 'property-list',
    },
    operands: [],
    subcommands: {
      'status show timesync-status show-timesync list-timezones': { operands: [] },
    },
  },
  {
    // Each of these verbs sets its value when given one, so none takes an operand; set-* verbs
    // are not declared.
    program: 'hostnamectl',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '--no-ask-password --static --transient --pretty --version': 'flag',
      '--json': ['pretty', 'short', 'off'],
    },
    operands: [],
    subcommands: {
      'status hostname icon-name chassis deployment location': { operands: [] },
    },
  },
  {
    program: 'localectl',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '--no-pager --no-ask-password --version': 'flag' },
    operands: [],
    subcommands: {
      'status list-locales list-keymaps list-x11-keymap-models list-x11-keymap-layouts': { operands: [] },
      'list-x11-keymap-options': { operands: [] },
      'list-x11-keymap-variants': { operands: ['name?'] },
    },
  },

  // ---------------------------------------------------------------- processes
  {
    // procps ps. BSD options are words without a dash (`aux`): they are typed operands that exclude
    // `e` (environments: a secret) and every BSD option that takes a value; a bare number is a pid.
    // ps parses an argv it cannot use a second time as BSD options, where `-e` means `e`: every
    // declaration below keeps that second reading from succeeding with `e` (see PS_USER); for that
    // reason -T, -m, -N, -O, -g, -n, -x, the output modifiers -c/-M/--context (with -o they fail the
    // first pass and mean something else in the second), the selections -U, --user, --User,
    // --group, --Group, --ppid and --deselect (`ps -ef -o args --ppid 1` fails the first pass on -f
    // with -o, and in the second -f is the forest flag) and BSD H/m/M/o/O/k/p/t/U/N are left out.
    // A fuzzer ran the accepted forms against procps-ng 4.0.2 looking for environments.
    program: 'ps',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'ps-bsd': /^([acfghjlnrsuvwxSTXZ]+|[1-9]\d{0,8}(,[1-9]\d{0,8})*)$/,
      'ps-pids': /^[1-9]\d{0,8}(,[1-9]\d{0,8})*$/,
      'ps-user': PS_USER,
      'ps-names': /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(,[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})*$/,
      'ps-ttys': /^[A-Za-z0-9/]{1,32}(,[A-Za-z0-9/]{1,32})*$/,
      'ps-cmds': /^[A-Za-z0-9_.:@+-]{1,64}(,[A-Za-z0-9_.:@+-]{1,64})*$/,
      // Format specifiers, with a width (`comm:20`) and a header on the last one (`pid=`, `rss=RSS`).
      // Not the environ/env fields (process environments).
      'ps-format':
        /^(?![^=]*\benv(iron)?\b)[%A-Za-z0-9_]+(:\d{1,4})?(,[%A-Za-z0-9_]+(:\d{1,4})?)*(=[A-Za-z0-9_%.-]*)?$/,
      'ps-sort': /^[+-]?[%A-Za-z0-9_]+(,[+-]?[%A-Za-z0-9_]+)*$/,
      'ps-width': /^[1-9]\d{0,5}$/,
    },
    options: {
      '-A -a -d -e -f -F -H -j -l -L -P -w -y -Z': 'flag',
      '-C': 'ps-cmds',
      '-G': 'ps-names',
      '-u': 'ps-user',
      '-p --pid -s --sid': 'ps-pids',
      '-t --tty': 'ps-ttys',
      '-o --format': 'ps-format',
      '--sort': 'ps-sort',
      '--cols --columns --width --rows --lines': 'ps-width',
      '--forest --headers --no-headers --cumulative': 'flag',
    },
    operands: ['ps-bsd*'],
  },
  {
    // top is interactive (k kills, r renices) unless -b. The procps 3.3 parser also reads option
    // letters without a dash, so no operand is declared.
    program: 'top',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'top-field': /^[+-]?[%A-Za-z0-9_]{1,16}$/,
      scale: /^[kmgtpe]$/,
    },
    options: {
      '-b --batch-mode -c --cmdline-toggle -H --threads-show -i --idle-toggle -O --list-fields': 'flag',
      '-S --accum-time-toggle -s --secure-mode -1 --single-cpu-toggle': 'flag',
      '-d --delay': 'number',
      '-n --iterations': 'uint',
      '-e --scale-task-mem -E --scale-summary-mem': 'scale',
      '-o --sort-override': 'top-field',
      '-p --pid': 'pids',
      '-u --filter-only-euser -U --filter-any-user': 'user',
      '-w --width': '[uint]',
    },
    // procps 3.3 reads a number after -w as its value; 4.x leaves it an (ignored) operand.
    operands: ['uint?'],
    requires: ['-b --batch-mode'],
  },
  {
    program: 'pgrep',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'id-list': /^[A-Za-z0-9_][A-Za-z0-9_.-]*(,[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/,
      'ns-list': /^(ipc|mnt|net|pid|user|uts|cgroup|time)(,(ipc|mnt|net|pid|user|uts|cgroup|time))*$/,
      'run-states': /^[A-Za-z](,[A-Za-z])*$/,
      'cgroup-list': /^[A-Za-z0-9_./:@-]+(,[A-Za-z0-9_./:@-]+)*$/,
    },
    options: {
      '-l --list-name -a --list-full -v --inverse -w --lightweight -c --count -f --full': 'flag',
      '-i --ignore-case -n --newest -o --oldest -x --exact -A --ignore-ancestors -L --logpidfile': 'flag',
      '-d --delimiter': 'text',
      '-g --pgroup -P --parent -s --session': 'pids',
      '-G --group -u --euid -U --uid -t --terminal': 'id-list',
      '-O --older': 'uint',
      '-F --pidfile': 'path',
      '-r --runstates': 'run-states',
      '--ns': 'pid',
      '--nslist': 'ns-list',
      '--cgroup': 'cgroup-list',
    },
    operands: ['text?'],
  },
  {
    program: 'pidof',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-s -c -n -x -q -w -z': 'flag',
      '-o --omit-pid': 'text',
      '-d -S --separator': 'text',
    },
    operands: ['name+'],
  },
  {
    program: 'pstree',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pid-or-user': /^(\d{1,10}|[a-z_][a-z0-9_.-]{0,31})$/ },
    options: {
      '-a --arguments -A --ascii -c --compact-not -g --show-pgids -G --vt100 -h --highlight-all': 'flag',
      '-l --long -n --numeric-sort -p --show-pids -s --show-parents -S --ns-changes': 'flag',
      '-t --thread-names -T --hide-threads -u --uid-changes -U --unicode -Z --security-context': 'flag',
      '-H --highlight-pid': 'pid',
      '-N --ns-sort': ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'],
      '-C --color': ['age'],
    },
    operands: ['pid-or-user?'],
  },

  // ---------------------------------------------------------------- CPU, memory, I/O statistics
  {
    program: 'free',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-b --bytes --kilo --mega --giga --tera --peta -k --kibi -m --mebi -g --gibi --tebi --pebi': 'flag',
      '-h --human --si -l --lohi -t --total -v --committed -w --wide -L --line -V --version': 'flag',
      '-s --seconds': 'number',
      '-c --count': 'uint',
    },
    operands: [],
  },
  {
    program: 'uptime',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-p --pretty -s --since -V --version': 'flag' },
    operands: [],
  },
  {
    program: 'vmstat',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --active -f --forks -m --slabs -n --one-header -s --stats -d --disk -D --disk-sum': 'flag',
      '-w --wide -t --timestamp -y --no-first -V --version': 'flag',
      '-p --partition': 'meta-path',
      '-S --unit': ['k', 'K', 'm', 'M'],
    },
    operands: ['uint?', 'uint?'],
  },
  {
    // sysstat parses its own argv: `-p` reads the next word as a device list unless it is a number,
    // so devices are operands either way. Not declared: -f/+f (alternate statistics directory).
    program: 'iostat',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'iostat-arg': /^(\d{1,9}|ALL|[A-Za-z][A-Za-z0-9_.:!+-]{0,63}(,[A-Za-z][A-Za-z0-9_.:!+-]{0,63})*)$/,
    },
    options: {
      '-c -d -h -k -m -N -s -t -V -x -y -z -H -p --human --pretty --compact': 'flag',
      '-g': 'name',
      '-j': ['ID', 'LABEL', 'PATH', 'UUID', 'PARTUUID', 'id', 'label', 'path', 'uuid', 'partuuid'],
      '-o': ['JSON'],
      '--dec': ['0', '1', '2'],
    },
    operands: ['iostat-arg*'],
  },
  {
    program: 'mpstat',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'cpu-list': /^(ALL|all|ON|on|\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*)$/,
      'irq-list': /^(SUM|CPU|SCPU|ALL)(,(SUM|CPU|SCPU|ALL))*$/,
    },
    options: {
      '-A -n -T -u -H -V --human': 'flag',
      '-I': 'irq-list',
      '-P -N': 'cpu-list',
      '-o': ['JSON'],
      '--dec': ['0', '1', '2'],
    },
    operands: ['uint?', 'uint?'],
  },
  {
    // Never -e (runs a program and reports on it).
    program: 'pidstat',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'pidstat-pids': /^(SELF|ALL|\d{1,10}(,\d{1,10})*)$/,
      'pidstat-arg': /^(\d{1,9}|[a-z_][a-z0-9_.-]{0,31})$/,
    },
    options: {
      '-d -h -H -I -l -r -R -s -t -u -v -w -U -V --human': 'flag',
      '-p': 'pidstat-pids',
      '-C -G': 'text',
      '-T': ['TASK', 'CHILD', 'ALL'],
      '--dec': ['0', '1', '2'],
    },
    // `-U` reads the next word as a user name when it is one: a user or a number.
    operands: ['pidstat-arg*'],
  },
  {
    // sar reads a word after -u/-r (ALL), -F (MOUNT), -q (keywords), -s/-e (hh:mm:ss) and -f (a file
    // of statistics) only when it fits: those words are operands. Never -o (writes a file).
    program: 'sar',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'sar-arg': /^(\d{1,9}|[A-Z][A-Z0-9_,-]{0,63}|\d{1,2}:\d{2}(:\d{2})?|\/[A-Za-z0-9_./-]+)$/,
      'sar-keywords': /^[A-Z0-9_]+(,[A-Z0-9_]+)*$/,
      'cpu-list': /^(ALL|all|\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*)$/,
      'item-list': /^[A-Za-z0-9_.:/-]+(,[A-Za-z0-9_.:/-]+)*$/,
    },
    options: {
      '-A -B -b -C -d -F -H -h -p -q -r -S -t -u -v -w -W -y -z -V -f -s -e --human --pretty': 'flag',
      '-I -m -n': 'sar-keywords',
      '-P': 'cpu-list',
      '-i': 'uint',
      '-j': [
        'SID',
        'ID',
        'LABEL',
        'PATH',
        'UUID',
        'PARTUUID',
        'sid',
        'id',
        'label',
        'path',
        'uuid',
        'partuuid',
      ],
      '--dev --fs --iface --int': 'item-list',
      '--dec': ['0', '1', '2'],
    },
    operands: ['sar-arg*'],
  },
  {
    program: 'lscpu',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'column-list': /^[A-Za-z0-9%:_-]+(,[A-Za-z0-9%:_-]+)*$/ },
    options: {
      '-a --all -b --online -B --bytes -c --offline -J --json -x --hex -y --physical --output-all': 'flag',
      '-C --caches -e --extended -p --parse': '[column-list]',
      '-V --version': 'flag',
    },
    operands: [],
  },
  {
    program: 'lsmem',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'column-list': /^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/ },
    options: {
      '-J --json -P --pairs -a --all -b --bytes -n --noheadings -r --raw --output-all -V --version': 'flag',
      '-o --output -S --split': 'column-list',
      '--summary': ['never', 'always', 'only'],
    },
    operands: [],
  },
  {
    program: 'numactl',
    syntax: 'posix',
    stdin: 'ignore',
    // Without --hardware or --show, numactl runs the command it is given.
    options: { '-H --hardware -s --show': 'flag' },
    operands: [],
    requires: ['-H --hardware -s --show'],
  },
  {
    // slabtop is interactive (keystrokes) unless --once.
    program: 'slabtop',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-o --once': 'flag',
      '-d --delay': 'uint',
      '-s --sort': ['a', 'b', 'c', 'l', 'v', 'n', 'o', 'p', 's', 'u'],
    },
    operands: [],
    requires: ['-o --once'],
  },
  {
    // iotop is interactive unless --batch.
    program: 'iotop iotop-c',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-o --only -b --batch -P --processes -a --accumulated -k --kilobytes -t --time -q --quiet': 'flag',
      '-n --iter': 'uint',
      '-d --delay': 'number',
      '-p --pid': 'pid',
      '-u --user': 'user',
    },
    operands: [],
    requires: ['-b --batch'],
  },
  {
    program: 'ipcs',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-m --shmems -q --queues -s --semaphores -a --all -t --time -p --pid -c --creator': 'flag',
      '-l --limits -u --summary --human -b --bytes -V --version': 'flag',
      '-i --id': 'uint',
    },
    operands: [],
  },

  // ---------------------------------------------------------------- disks, mounts, devices
  {
    // Not declared: --sysroot.
    program: 'lsblk',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'column-list': /^[+]?[A-Za-z0-9%:_-]+(,[A-Za-z0-9%:_-]+)*$/,
      column: /^[A-Za-z0-9%:_-]+$/,
      'major-list': /^\d{1,4}(,\d{1,4})*$/,
    },
    options: {
      '-A --noempty -D --discard -J --json -M --merge -O --output-all -P --pairs -S --scsi -a --all': 'flag',
      '-b --bytes -d --nodeps -f --fs -i --ascii -l --list -m --perms -n --noheadings -p --paths': 'flag',
      '-r --raw -s --inverse -t --topology -y --shell -z --zoned -V --version': 'flag',
      '-E --dedup -x --sort': 'column',
      '-I --include -e --exclude': 'major-list',
      '-o --output': 'column-list',
      '-T --tree': '[column]',
      '-w --width': 'uint',
    },
    operands: ['meta-path*'],
  },
  {
    // blkid probes devices and, as root, refreshes its cache of device tags (/run/blkid); that cache
    // is derived data, so plain `blkid` is read-only here. Not declared: -c with another file than
    // /dev/null (a cache file it writes), -g (garbage-collects the cache), -O/-S (probe offsets).
    program: 'blkid',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      tag: /^[A-Za-z_]+$/,
      token: /^[A-Za-z_]+=[A-Za-z0-9_.:/-]*$/,
      'name-list': /^(no)?[a-z0-9_,]+$/,
    },
    options: {
      '-c --cache-file': ['/dev/null'],
      '-d --no-encoding -k --list-filesystems -l --list-one -p --probe -i --info -D --no-part-details':
        'flag',
      '-V --version': 'flag',
      '-o --output': ['value', 'device', 'export', 'full', 'udev'],
      '-s --match-tag': 'tag',
      '-t --match-token': 'token',
      '-L --label -U --uuid': 'name',
      '-u --usages -n --match-types': 'name-list',
    },
    operands: ['meta-path*'],
  },
  {
    // -F reads a table file and prints its fields, so it is a content path. Not declared: the
    // --poll/-w forms that wait (harmless but unbounded are fine, yet they take list values).
    program: 'findmnt',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'column-list': /^[+]?[A-Za-z0-9%:_-]+(,[A-Za-z0-9%:_-]+)*$/,
      'fs-types': /^(no)?[A-Za-z0-9_.]+(,(no)?[A-Za-z0-9_.]+)*$/,
      'mount-options': /^[A-Za-z0-9_=.,+-]+$/,
      source: /^[A-Za-z0-9_=./:@-]+$/,
    },
    options: {
      '-s --fstab -m --mtab -k --kernel -A --all -a --ascii -b --bytes -C --nocanonicalize': 'flag',
      '-c --canonicalize -D --df -e --evaluate -f --first-only -i --invert -J --json -l --list': 'flag',
      '-n --noheadings --output-all -P --pairs --pseudo --shadowed -R --submounts -r --raw --real': 'flag',
      '--tree -U --uniq -u --notruncate -v --nofsroot -y --shell -x --verify --verbose --vfs-all': 'flag',
      '-V --version': 'flag',
      '-d --direction': ['forward', 'backward'],
      '-F --tab-file': 'path',
      '-N --task': 'pid',
      '-O --options': 'mount-options',
      '-o --output': 'column-list',
      '-S --source': 'source',
      '-T --target -M --mountpoint': 'meta-path',
      '-t --types': 'fs-types',
    },
    operands: ['meta-path?', 'meta-path?'],
  },
  {
    // Only the listing forms: no device or directory operand (that mounts), no -a (mounts all).
    program: 'mount',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'fs-types': /^(no)?[A-Za-z0-9_.]+(,(no)?[A-Za-z0-9_.]+)*$/ },
    options: { '-l --show-labels -V --version': 'flag', '-t --types': 'fs-types' },
    operands: [],
  },
  {
    // Not declared: -D (device cache file, which -D b/u/r writes), -k, -m/+m (mount supplement),
    // -e/+e, -O, -M, -A, -Z. lsof reads the next word as the value of -i/-s/-g/-K/-L/-o/-F/-T/-S/-x/-r
    // when it does not start with - or +, so such words are accepted as operands; `+` options are
    // operands too (+D/+d take the directory that follows, +L/+c/+r a number).
    program: 'lsof',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'lsof-arg': /^(\+(D|d|c\d*|E|w|L\d*|r\d*)|[A-Za-z0-9_./:@,=^*?[\]]+[A-Za-z0-9_./:@,=^*?[\]+-]*)$/,
      'lsof-value': /^[A-Za-z0-9_./:@,=^[\]]+$/,
      'lsof-set': /^[A-Za-z0-9_.,^:/-]+$/,
    },
    options: {
      '-? -h -a -b -H -l -n -N -P -Q -R -t -U -v -V -w -E -X': 'flag',
      '-i -s -g -K -L -o -F -T -S -x -r': '[lsof-value]',
      '-c -d -p -u': 'lsof-set',
    },
    operands: ['lsof-arg*'],
  },
  {
    // LVM reports. Not declared: --config (settings that override lvm.conf), --commandprofile.
    program: 'lvs vgs pvs',
    syntax: 'gnu',
    stdin: 'ignore',
    types: LVM_TYPES,
    options: {
      '-a --all --noheadings --nosuffix --aligned --binary --nameprefixes --rows --unbuffered': 'flag',
      '-q --quiet -v --verbose --segments -P --partial --readonly --foreign --shared --nolocking': 'flag',
      '--headings': ['none', 'abbrev', 'full', '0', '1', '2'],
      '-o --options -O --sort': 'fields',
      '--units': LVM_UNITS,
      '--separator': 'text',
      '-S --select': 'selection',
      '--reportformat': ['basic', 'json', 'json_std'],
    },
    operands: ['lvm-name*'],
  },
  {
    // The display forms of LVM (-C switches them to the report columns of lvs/vgs/pvs).
    program: 'lvdisplay vgdisplay pvdisplay',
    syntax: 'gnu',
    stdin: 'ignore',
    types: LVM_TYPES,
    options: {
      '-a --all -c --colon -C --columns -m --maps -s --short -v --verbose -q --quiet --readonly': 'flag',
      '--noheadings --nosuffix --aligned --foreign --shared --nolocking -P --partial': 'flag',
      '-o --options -O --sort': 'fields',
      '--units': LVM_UNITS,
      '--separator': 'text',
      '-S --select': 'selection',
    },
    operands: ['lvm-name*'],
  },
  {
    program: 'zpool',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { props: /^[a-z0-9_:,@.-]+$/ },
    options: {
      '-v -x -p -H -P -L -g -e -s -t -i -D -l -q -r -w -y': 'flag',
      '-T': ['u', 'd'],
      '-o': 'props',
    },
    subcommands: {
      'status list iostat': { operands: ['name*'] },
      get: { operands: ['props', 'name*'] },
      version: { operands: [] },
    },
  },
  {
    program: 'zfs',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      props: /^[a-z0-9_:,@.-]+$/,
      'zfs-types':
        /^(all|filesystem|snapshot|snap|volume|bookmark)(,(all|filesystem|snapshot|snap|volume|bookmark))*$/,
      'zfs-name': /^[A-Za-z0-9_][A-Za-z0-9_.:/@#-]*$/,
      'zfs-sources':
        /^(local|default|inherited|temporary|received|none)(,(local|default|inherited|temporary|received|none))*$/,
    },
    options: { '-r -H -p': 'flag', '-d': 'uint', '-o -s -S': 'props', '-t': 'zfs-types' },
    subcommands: {
      list: { operands: ['zfs-name*'] },
      get: { options: { '-s': 'zfs-sources' }, operands: ['props', 'zfs-name*'] },
      version: { operands: [] },
    },
  },
  {
    // Only the query modes. Not declared: -c/--config, every assembly/management mode.
    program: 'mdadm',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-D --detail -Q --query -E --examine --detail-platform -s --scan -v --verbose -b --brief': 'flag',
      '-Y --export -t --test -q --quiet': 'flag',
    },
    operands: ['meta-path*'],
    requires: ['-D --detail -Q --query -E --examine --detail-platform'],
  },
  {
    // Not declared: -t/--test, -s/--smart, -o/--offlineauto, -S/--saveauto, -X/--abort, -C/--captive,
    // --set, -B/--drivedb (loads a file), -v/--vendorattribute.
    program: 'smartctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'smart-log':
        /^(error|selftest|xerror(,(\d+|error))?|xselftest(,(\d+|selftest))?|selective|directory(,[gs])?|background|sasphy|sataphy|scttemp|scttempsts|scttemphist|scterc|devstat(,\d+)?|defects|ssd|gplog,[0-9a-fx]+(,[0-9a-fx+-]+)?|smartlog,[0-9a-fx]+(,[0-9a-fx+-]+)?|nvmelog,[0-9a-fx]+,\d+)$/,
      'smart-device': /^[A-Za-z0-9_,+-]+$/,
      'smart-get': /^(all|aam|apm|dsn|lookahead|security|wcache|rcache|wcreorder|wcache-sct)$/,
    },
    options: {
      '-a --all -x --xall -H --health -i --info -A --attributes -c --capabilities -j --json': 'flag',
      '--scan --scan-open --identify -V --version': 'flag',
      '-l --log': 'smart-log',
      '-d --device': 'smart-device',
      '-g --get': 'smart-get',
      '-n --nocheck': ['never', 'sleep', 'standby', 'idle'],
      '-q --quietmode': ['errorsonly', 'silent', 'noserial'],
      '-f --format': ['old', 'brief', 'hex', 'hex,id', 'hex,val'],
      '-T --tolerance': ['normal', 'conservative', 'permissive', 'verypermissive'],
      '-b --badsum': ['warn', 'exit', 'ignore'],
      '-r --report': ['ioctl', 'ataioctl', 'scsiioctl', 'nvmeioctl', 'ioctl,2', 'ataioctl,2', 'scsiioctl,2'],
    },
    operands: ['meta-path?'],
  },
  {
    program: 'lspci',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      slot: /^[0-9a-fA-F:.*]{1,16}$/,
      'vendor-device': /^[0-9a-fA-F*]{0,4}:[0-9a-fA-F*]{0,4}(:[0-9a-fA-F*]{0,4})?$/,
    },
    // Not declared: -x (config space dumps, which can upset some devices), -H (direct hardware
    // access), -q/-Q (DNS queries for IDs), -M (bus mapping), -i/-p/-F (files), -A/-O.
    options: {
      '-v -n -k -t -D -P -b -m -nn -mm -vv -vvv -PP -V': 'flag',
      '-s': 'slot',
      '-d': 'vendor-device',
    },
    operands: [],
  },
  {
    program: 'lsusb',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'bus-dev': /^(\d{1,3})?:?(\d{1,3})?$/,
      'vendor-product': /^[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}$/,
      // -D reads a device node's descriptors: only the USB device nodes.
      'usb-device': /^\/dev\/bus\/usb\/\d{3}\/\d{3}$/,
    },
    options: {
      '-v --verbose -t --tree -V --version': 'flag',
      '-s': 'bus-dev',
      '-d': 'vendor-product',
      '-D': 'usb-device',
    },
    operands: [],
  },
  {
    program: 'lsmod',
    syntax: 'gnu',
    stdin: 'ignore',
    operands: [],
  },
  {
    // Not declared: -b/--basedir (another module tree).
    program: 'modinfo',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      module: /^([A-Za-z0-9_-]+|\/[A-Za-z0-9_./-]+\.ko(\.(xz|gz|zst))?)$/,
      'kernel-release': /^[A-Za-z0-9_.+-]+$/,
    },
    options: {
      '-a --author -d --description -l --license -p --parameters -n --filename -0 --null': 'flag',
      '-V --version': 'flag',
      '-F --field': 'name',
      '-k --set-version': 'kernel-release',
    },
    operands: ['module+'],
  },

  // ---------------------------------------------------------------- kernel, identity, logins
  {
    program: 'uname',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --all -s --kernel-name -n --nodename -r --kernel-release -v --kernel-version -m --machine': 'flag',
      '-p --processor -i --hardware-platform -o --operating-system --version': 'flag',
    },
    operands: [],
  },
  {
    // An operand or -F/--file sets the host name; -b sets a default one.
    program: 'hostname',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --alias -A --all-fqdns -d --domain -f --fqdn --long -i --ip-address -I --all-ip-addresses': 'flag',
      '-s --short -y --yp --nis -V --version': 'flag',
    },
    operands: [],
  },
  {
    program: 'id',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-a -Z --context -g --group -G --groups -n --name -r --real -u --user -z --zero': 'flag' },
    operands: ['user*'],
  },
  {
    // A single operand is a utmp-format file that who prints; two (`who am i`) mean -m.
    program: 'who',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a --all -b --boot -d --dead -H --heading --ips -l --login -m -p --process -q --count': 'flag',
      '-r --runlevel -s --short -t --time -T -w --mesg -u --users --message --writable': 'flag',
    },
    operands: ['path?', 'name?'],
  },
  {
    program: 'w',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-h --no-header -u --no-current -s --short -f --from -o --old-style -i --ip-addr -p --pids': 'flag',
      '-V --version': 'flag',
    },
    operands: ['user?'],
  },
  {
    program: 'users',
    syntax: 'gnu',
    stdin: 'ignore',
    operands: ['path?'],
  },
  {
    // -f names a wtmp-format file whose records last prints: a content path.
    program: 'last lastb',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'last-time': /^[A-Za-z0-9 :.+_-]{1,64}$/, 'tty-or-user': /^[A-Za-z0-9_.:/-]{1,64}$/ },
    options: {
      '-#': 'flag',
      '-a --hostlast -d --dns -F --fulltimes -i --ip -R --nohostname -w --fullnames -x --system': 'flag',
      '-V --version': 'flag',
      '-f --file': 'path',
      '-n --limit': 'uint',
      '-s --since -t --until -p --present': 'last-time',
      '--time-format': ['notime', 'short', 'full', 'iso'],
    },
    operands: ['tty-or-user*'],
  },
  {
    // Not declared: -C/--clear and -S/--set (write the lastlog file), -R/--root.
    program: 'lastlog',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'user-range': /^([a-z_][a-z0-9_.-]{0,31}\$?|\d{1,10}(-\d{0,10})?|-\d{1,10})$/ },
    options: { '-b --before -t --time': 'uint', '-u --user': 'user-range' },
    operands: [],
  },
  {
    // Not declared: dump (writes the core, memory included), debug/gdb (runs a debugger),
    // -o/--output, --debugger, -A/--debugger-arguments, -F/--field (COREDUMP_ENVIRON holds the
    // crashed process's environment), --root, --image.
    program: 'coredumpctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'journal-time': /^[A-Za-z0-9 :.,+_/@-]{1,64}$/, 'core-match': /^([A-Za-z0-9_.@:/+-]{1,256})$/ },
    options: {
      '-1 -r --reverse -q --quiet --no-pager --no-legend --all': 'flag',
      '-S --since -U --until': 'journal-time',
      '--json': ['pretty', 'short', 'off'],
    },
    // Bare `coredumpctl` lists.
    operands: [],
    subcommands: { 'list info': { operands: ['core-match*'] } },
  },
  {
    // Not declared: -c/--read-clear, -C/--clear, -D/--console-off, -E/--console-on,
    // -n/--console-level.
    program: 'dmesg',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'dmesg-levels':
        /^[+]?(emerg|alert|crit|err|warn|notice|info|debug)[+]?(,[+]?(emerg|alert|crit|err|warn|notice|info|debug)[+]?)*$/,
      'dmesg-facilities':
        /^(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|res0|res1|res2|res3|local[0-7])(,(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|res0|res1|res2|res3|local[0-7]))*$/,
      'dmesg-time': /^[A-Za-z0-9 :.+_-]{1,64}$/,
      'color-when': /^(auto|always|never)$/,
    },
    options: {
      '-H --human -J --json -k --kernel -P --nopager -p --force-prefix -r --raw --noescape -S --syslog':
        'flag',
      '-u --userspace -w --follow -W --follow-new -x --decode -d --show-delta -e --reltime -T --ctime':
        'flag',
      '-t --notime -V --version': 'flag',
      '-F --file': 'path',
      '-f --facility': 'dmesg-facilities',
      '-l --level': 'dmesg-levels',
      '-L --color': '[color-when]',
      '-s --buffer-size': 'uint',
      '--time-format': ['delta', 'reltime', 'ctime', 'notime', 'iso', 'raw'],
      '--since --until': 'dmesg-time',
    },
    operands: [],
  },
  {
    // Reading only: names without `=` (procps sysctl writes `name=value` even without -w).
    // Not declared: -w/--write, -p/-f/--load, --system, --dry-run.
    program: 'sysctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'sysctl-name': /^[A-Za-z0-9_][A-Za-z0-9_./*-]{0,255}$/ },
    options: {
      '-a --all -A -X -b --binary -e --ignore -N --names -n --values -q --quiet --deprecated -o -x': 'flag',
      '-V --version': 'flag',
      '-r --pattern': 'text',
    },
    operands: ['sysctl-name*'],
  },
  {
    // Never shadow/gshadow. Not declared: -s/--service (another NSS service).
    program: 'getent',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'getent-key': /^[A-Za-z0-9_][A-Za-z0-9_.:@/+-]{0,252}$/,
    },
    options: { '-A --no-addrconfig -i --no-idn': 'flag' },
    subcommands: {
      'hosts ahosts ahostsv4 ahostsv6': { operands: ['domain*'] },
      'passwd group initgroups netgroup': { operands: ['getent-key*'] },
      'services protocols networks rpc ethers aliases': { operands: ['getent-key*'] },
    },
  },
  {
    // Only -l: -e edits, -r removes, an operand installs a crontab.
    program: 'crontab',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-l': 'flag', '-u': 'user' },
    operands: [],
    requires: ['-l'],
  },
  {
    program: 'atq',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { queue: /^[a-zA-Z=]$/ },
    options: { '-q': 'queue', '-V': 'flag' },
    operands: [],
  },

  // ---------------------------------------------------------------- packages
  {
    // The query actions of dpkg (dpkg runs dpkg-query for them). Not declared: --root, --admindir,
    // --instdir, every install/remove/configure action.
    program: 'dpkg',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pkg-pattern': /^[A-Za-z0-9_.+:*?[\]/-]{1,256}$/ },
    options: {
      '-l --list -L --listfiles -s --status -S --search -p --print-avail --get-selections': 'flag',
      '--print-architecture --print-foreign-architectures -C --audit -V --verify --no-pager': 'flag',
      '--version': 'flag',
    },
    operands: ['pkg-pattern*'],
    requires: [
      '-l --list -L --listfiles -s --status -S --search -p --print-avail --get-selections --print-architecture --print-foreign-architectures -C --audit -V --verify --version',
    ],
  },
  {
    program: 'dpkg-query',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pkg-pattern': /^[A-Za-z0-9_.+:*?[\]/-]{1,256}$/ },
    options: {
      '-l --list -W --show -L --listfiles -s --status -S --search -p --print-avail --no-pager': 'flag',
      '-c --control-path --control-list --control-show --version': 'flag',
      '-f --showformat': 'text',
    },
    operands: ['pkg-pattern*'],
  },
  {
    // Query mode only (-q). Not declared: --eval, --define, --macros, --rcfile, --dbpath, --root,
    // -p/--package (reads a package file), every install/erase/verify mode.
    program: 'rpm',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'rpm-arg': /^[A-Za-z0-9_.+:*?[\]/()<>=~^ -]{1,256}$/,
      // Header tag formats (`%{NAME}`); no %( and no lua.
      'rpm-format': /^(?!.*%\()(?!.*lua)[^\0]{1,512}$/,
    },
    options: {
      '-q --query -a --all -i --info -l --list -f --file -c --configfiles -d --docfiles': 'flag',
      '-R --requires --provides --changelog --last --whatprovides --whatrequires -s --state': 'flag',
      '--scripts --triggers --conflicts --obsoletes --dump -g --group --nodigest --nosignature': 'flag',
      '--qf --queryformat': 'rpm-format',
    },
    operands: ['rpm-arg*'],
    requires: ['-q --query'],
  },
  {
    // Not declared: -o/--option and -c/--config-file (settings that can run hooks), and every
    // verb that changes packages or downloads.
    program: 'apt',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pkg-pattern': /^[A-Za-z0-9_.+:*?~[\]/=-]{1,256}$/ },
    options: {
      '-a --all-versions --installed --upgradable --manual-installed -v --verbose --full': 'flag',
      '-q --quiet': 'flag',
    },
    subcommands: {
      'list show policy search depends rdepends showsrc': { operands: ['pkg-pattern*'] },
    },
  },
  {
    program: 'apt-cache',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'pkg-pattern': /^[A-Za-z0-9_.+:*?~[\]/=-]{1,256}$/ },
    options: {
      '-n --names-only -f --full -i --important --installed --recurse --no-all-versions -a --all-versions':
        'flag',
      '--no-pre-depends --no-depends --no-recommends --no-suggests --no-conflicts --no-breaks': 'flag',
      '--no-replaces --no-enhances -q --quiet': 'flag',
    },
    subcommands: {
      'policy show showpkg showsrc madison depends rdepends search pkgnames': { operands: ['pkg-pattern*'] },
      'stats unmet': { operands: [] },
    },
  },

  // ---------------------------------------------------------------- time sync
  {
    // chronyc stops parsing options at the command; the words after it are the command's own
    // arguments. It reads commands from stdin when given none. Not declared: -m (each operand a
    // command), -f (config file), -p (other port), makestep/settime/burst and every other change.
    program: 'chronyc',
    syntax: 'posix',
    stdin: 'refuse',
    types: { 'sources-flag': /^-[av]$/ },
    options: { '-n -N -c -4 -6 -d -a': 'flag', '-h': 'host' },
    subcommands: {
      tracking: { operands: [] },
      'sources sourcestats': { operands: ['sources-flag*'] },
      'activity serverstats rtcdata smoothing selectdata authdata clients': { operands: [] },
      ntpdata: { operands: ['ip?'] },
    },
  },
  {
    // ntpq runs interactively on stdin without -p or -c. Not declared: -i (interactive), -a/-k
    // (keys), -l (log file), and -c with anything but read commands.
    program: 'ntpq',
    syntax: 'gnu',
    stdin: 'refuse',
    types: {
      'ntpq-command':
        /^(peers|pe|lpeers|opeers|associations|as|lassociations|sysinfo|kerninfo|sysstats|iostats|timerstats|monstats|version|rv|readvar|cv|clockvar)( [0-9A-Za-z_.,=&]+)*$/,
    },
    options: {
      '-p --peers -n --numeric -w --wide -4 -6 -u --units': 'flag',
      '-c --command': 'ntpq-command',
    },
    operands: ['host*'],
    requires: ['-p --peers -c --command'],
  },
  {
    program: 'ntpstat',
    syntax: 'gnu',
    stdin: 'ignore',
    operands: [],
  },

  // ---------------------------------------------------------------- services and clusters
  {
    // supervisorctl runs an interactive shell without a command. Not declared: -c (config file),
    // -i, -u/-p (credentials), -r, and every action but the reads below.
    program: 'supervisorctl',
    syntax: 'posix',
    stdin: 'refuse',
    types: { 'program-name': /^[A-Za-z0-9_.:*-]{1,128}$/ },
    options: { '-s --serverurl': 'url' },
    subcommands: {
      status: { operands: ['program-name*'] },
      pid: { operands: ['program-name*'] },
      'avail version': { operands: [] },
    },
  },
  {
    // Ceph's CLI reads commands from stdin when given none, so it needs a command or -s. Not declared: -c/--conf, -k/--keyring, -n/--name, --id, -i/--in-file, -o/--out-file, -m (monitor
    // address), auth *, config-key *, config dump, and every command that changes the cluster.
    program: 'ceph',
    syntax: 'gnu',
    stdin: 'refuse',
    types: { 'pool-name': /^[A-Za-z0-9_.-]{1,128}$/, detail: /^detail$/, tree: /^tree$/ },
    options: {
      '-f --format': ['json', 'json-pretty', 'plain', 'xml', 'xml-pretty', 'yaml'],
      '-s --status --version -v': 'flag',
      '--connect-timeout': 'uint',
    },
    operands: [],
    requires: ['<subcommand> -s --status --version -v'],
    subcommands: {
      status: { operands: [] },
      health: { operands: ['detail?'] },
      df: { operands: ['detail?'] },
      versions: { operands: [] },
      quorum_status: { operands: [] },
      osd: {
        subcommands: {
          'tree stat status perf versions': { operands: [] },
          df: { operands: ['tree?'] },
          pool: {
            subcommands: {
              'ls stats': { operands: ['pool-name?'] },
            },
          },
        },
      },
      pg: { subcommands: { stat: { operands: [] } } },
      mon: { subcommands: { stat: { operands: [] } } },
      mgr: { subcommands: { stat: { operands: [] } } },
      fs: { subcommands: { 'status ls': { operands: [] } } },
    },
  },
];
