import type { ToolGrammar } from '../spec.js';

/**
 * Operations: the everyday SRE reads on storage, firewall front-ends, runtimes and services —
 * partition tables and file system superblocks, block device ioctls, NVMe logs, multipath and iSCSI
 * sessions, NFS exports, ufw/firewalld/ipset listings, nginx/apache/haproxy/varnish version and
 * config checks, JVM process statistics, cgroups, hardware and platform identification.
 *
 * Every tool here also has forms that change the host; only the printing forms are declared:
 * - partitioning and signatures: fdisk/sfdisk/parted only list (`-l`, `-d`, `print`); wipefs only
 *   lists (never -a/-o/-b/-f); tune2fs only -l; blockdev only the --get* ioctls; swapon never takes an
 *   operand (an operand enables swap); nvme only identify/log pages (never format, sanitize,
 *   fw-download/commit, set-feature, namespace management, resets, passthru, write*).
 * - firewalls: ufw status/show/app list|info; firewall-cmd only --list-…, --get-…, --info-…, --query-…
 *   and --state; ipset only list/save/test (save never with -file, which writes).
 * - services: nginx -v/-V, apachectl -v/-V/-S/-M/-t and configtest, haproxy -v/-vv/-c with the
 *   config under /etc/haproxy only: each config test loads the operator's own config, never a file
 *   chosen on the command line (-f/-d/-C of apache are not declared). nginx -t/-T are not declared:
 *   nginx's config test opens and creates its pid file and logs.
 *
 * Block devices are named by `block-device`, a closed list of disk, partition, mapper and by-id
 * names: an open `/dev/…` would let `blockdev --getsz /dev/watchdog` arm a hardware reboot.
 *
 * Arities were checked against the installed tools' --help (procps-ng 4.0.2, util-linux 2.38,
 * e2fsprogs 1.47, OpenSSH 9.2, OpenJDK jps/jstat, systemd 252, lsb_release) and, for the tools not
 * installed here, against their option tables in the source (nvme-cli argconfig/NVME_ARGS, ufw's
 * parser.py, firewall-cmd's argparse, ipset's envopts and command matcher, fdisk/sfdisk/parted
 * getopt_long tables, nfs-utils nfsstat/showmount/exportfs, rpcbind's rpcinfo, multipath-tools,
 * open-iscsi, cpupower, numactl's numastat, dmidecode, lshw, vnstat, varnishstat, nginx, httpd,
 * haproxy).
 */

/** Disks, partitions and the stable names for them; never an arbitrary device node. */
const BLOCK_DEVICE = new RegExp(
  '^/dev/(?:' +
    [
      '(?:sd|vd|xvd|hd)[a-z]{1,3}\\d{0,3}',
      'nvme\\d{1,3}(?:n\\d{1,4}(?:p\\d{1,4})?)?',
      'md\\d{1,4}(?:p\\d{1,3})?',
      'md/[A-Za-z0-9_:-][A-Za-z0-9_.:-]*',
      'dm-\\d{1,4}',
      'mmcblk\\d{1,3}(?:p\\d{1,3})?',
      'loop\\d{1,4}(?:p\\d{1,3})?',
      'sr\\d{1,2}',
      'nbd\\d{1,3}(?:p\\d{1,3})?',
      'rbd\\d{1,4}(?:p\\d{1,3})?',
      'zd\\d{1,5}',
      'zram\\d{1,3}',
      'bcache\\d{1,3}',
      'drbd\\d{1,4}',
      'pmem\\d{1,3}(?:s|\\.\\d{1,2})?',
      'mapper/[A-Za-z0-9_+:-][A-Za-z0-9_.+:-]*',
      'disk/by-(?:id|uuid|label|path|partuuid|partlabel|diskseq)/[A-Za-z0-9_+:@-][A-Za-z0-9_.+:@-]*',
      // LVM's /dev/VG/LV.
      '[A-Za-z0-9_+-][A-Za-z0-9_.+-]*/[A-Za-z0-9_+-][A-Za-z0-9_.+-]*',
    ].join('|') +
    ')$',
);
/** A file system named the way e2fsprogs and xfsprogs resolve it: a device, or LABEL=/UUID=. */
const FS_DEVICE = new RegExp(`${BLOCK_DEVICE.source}|^(?:LABEL|UUID)=[A-Za-z0-9_.:-]{1,64}$`);
/** util-linux column lists (`-o NAME,SIZE`, `+UUID`). */
const COLUMNS = /^\+?[A-Za-z0-9%:_-]+(?:,[A-Za-z0-9%:_-]+)*$/;
const BOOL = ['yes', 'no', 'true', 'false', 'on', 'off', '1', '0'];
/** A cgroup path under the hierarchy root (`/system.slice/nginx.service`); no `.`/`..` segments. */
const CGROUP = /^\/(?:[A-Za-z0-9_@:\\+-][A-Za-z0-9_.@:\\+-]*\/?)*$/;

// ── Shared by the everyday reads below ───────────────────────────────────────────────────────────
/**
 * A file a tool opens, for tools whose operands cannot be the built-in `path`: binutils expand an
 * `@file` word into options read from that file (and quote it back in errors). Never a leading
 * `-`, `@` or `~`; never `.`/`..` segments (but a leading `./`) or `//` (so the device names below cannot be spelled
 * another way); never a device, /sys, /proc/kcore or /proc/kmsg (opening some devices acts: a
 * watchdog arms a reboot).
 */
const OPENED_FILE =
  /^(?![-@~])(?!.*\/\/)(?!.*\/\.\.?(?:\/|$))(?!\.\.(?:\/|$))(?!\/(?:dev|sys|inet[46]?)(?:\/|$))(?!\/proc\/(?:kcore|kmsg)$)[^\0\n]{1,4096}$/;
/** Program names looked up in PATH (which, whereis). */
const COMMAND_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+@:-]{0,127}$/;
/**
 * A yq expression, for both yq programs a host may have: mikefarah's Go yq (its own jq-like
 * language) and the Python yq (kislyuk's jq wrapper, Debian's `yq` package), which hands it to jq.
 * - Neither may read the environment (`env`, `strenv`, `envsubst`, jq's `$ENV`), load files (`load`,
 *   `load_str`, `load_xml`, `load_props`, `load_base64`; jq's `import`/`include`), evaluate a string
 *   as an expression (`eval` could assemble `load` from pieces) or run programs (`system`, off
 *   unless --security-enable-system-operator): refused as substrings anywhere, case-insensitively,
 *   because mikefarah's lexer matches its keywords without word boundaries (`1load(…)`).
 * - mikefarah's yq reads its first argument as a FILE when a file of that name exists (relative to
 *   the home directory AALS runs in), and as an expression file when it also ends in `.yq`. So the
 *   expression must not be able to name a file: no `/` except inside ` // ` (jq's alternative
 *   operator, spaces around it); either a character no file name in a home directory carries
 *   (space, `|`, brackets, quotes, `=`, `,`, `$`, …) or a dotted path (`.spec.replicas`) with no
 *   word of the credential files a home directory holds (`.pgpass`, `.netrc`, `.vault-token`,
 *   `.my.cnf`, `.erlang.cookie`, `.s3cfg`, `.psql_history`); a bare word is refused. What this
 *   cannot see is an operator's own policy.secretPaths entry naming a dotfile of the home
 *   directory whose name has none of those words.
 */
const YQ_EXPR = new RegExp(
  '^(?![\\s\\S]*(?:load|env|eval|system|import|include|modulemeta|get_search_list|get_prog_origin|get_jq_origin|input_filename|\\$__prog_args))' +
    '(?![\\s\\S]*\\.yq$)' +
    '(?![\\s\\S]*[\\x00-\\x08\\x0b-\\x1f\\x7f])' +
    '(?![\\s\\S]*(?:^|[^\\s/])/)(?![\\s\\S]*/(?:[^\\s/]|$))' +
    '(?:\\.\\.?' +
    '|(?![\\s\\S]*(?:secret|credential|passw|token|histor|key|pem|cnf|pgpass|netrc|rc(?:\\.|$)|p12|pfx|jks|kdbx|tfstate|shadow|cookie|priv|cfg|boto|vault|auth|kube|login|cert|crt|id_|dbshell))' +
    '\\.[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z_][A-Za-z0-9_-]*)*' +
    '|(?!-)(?=[\\s\\S]*[\\s|()[\\]{}"\'=,<>!+*:;$?])[\\s\\S]{1,1024})$',
  'i',
);

export const OPS: readonly ToolGrammar[] = [
  // ── Processes, limits and runtimes ─────────────────────────────────────────────────────────────
  {
    // Not declared: -c/-C (read an rc file that sets the output), -n/-N (write one).
    program: 'pmap',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { range: /^(?:0x)?[0-9a-fA-F]{1,16}(?:,(?:0x)?[0-9a-fA-F]{1,16})?$/ },
    options: {
      '-x --extended -X -d --device -q --quiet -p --show-path -V --version': 'flag',
      '-A --range': 'range',
    },
    operands: ['pid+'],
  },
  {
    // The shell builtin (the executor runs /bin/sh -c: dash or bash). Only the printing forms: with
    // a value operand it sets the limit. The options are the union of bash's and dash's; each one
    // only selects which limit is printed.
    program: 'ulimit',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-a -H -S -b -c -d -e -f -i -k -l -m -n -p -q -r -s -t -u -v -w -x -P -R -T': 'flag',
    },
    operands: [],
  },
  {
    // OpenSSH's own (BSD) getopt: no permutation, parsing stops at the first operand. Only
    // fingerprints (-l), certificate contents (-L) and known_hosts look-ups (-F): a fingerprint or a
    // public key is not credential material. Not declared: every generating, converting or
    // rewriting mode (-t, -b, -p, -N, -P, -c, -i, -e, -R and -H rewrite known_hosts, -s/-I sign, -A,
    // -k, -Y, -M, -K, -D, -O, -w, -Z), and -y (decrypts a private key to print its public half).
    // -l or -F (or -L) must be given: `ssh-keygen -f x` alone writes a new key pair. -f is a
    // meta-path: -l prints only fingerprints (of a private key too), and -F prints only the lines of
    // the file that parse as known_hosts entries (public host keys), never other lines.
    program: 'ssh-keygen',
    syntax: 'posix',
    stdin: 'data',
    types: { 'known-host': /^(?:\[[A-Za-z0-9_.:-]{1,253}\]:\d{1,5}|[A-Za-z0-9_][A-Za-z0-9_.:-]{0,252})$/ },
    options: {
      '-l -L -v': 'flag',
      '-E': ['md5', 'sha256'],
      '-f': 'meta-path',
      '-F': 'known-host',
    },
    requires: ['-l -L -F', '-f -F'],
    operands: [],
  },
  {
    // jps reads the hsperfdata of the JVMs its user can see. Not declared: a hostid operand (asks a
    // remote jstatd over RMI), -J (passes options to the JVM jps itself runs on: -J-javaagent:…).
    program: 'jps',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-q -m -l -v -V': 'flag' },
    operands: [],
  },
  {
    // `jstat -gcutil [-t] [-hN] PID [INTERVAL [COUNT]]`: the statistics option is a single-dash word.
    // Only a local pid (no `pid@host`, which asks a remote jstatd); no -J (JVM options).
    program: 'jstat',
    syntax: 'words',
    stdin: 'ignore',
    types: {
      'jstat-header': /^-h\d{1,6}$/,
      'jstat-interval': /^\d{1,9}(?:ms|s)?$/,
    },
    options: { '-t': 'flag' },
    subcommands: {
      '-class -compiler -gc -gccapacity -gccause -gcmetacapacity -gcnew -gcnewcapacity -gcold': {
        operands: ['jstat-header?', 'pid', 'jstat-interval?', 'uint?'],
      },
      '-gcoldcapacity -gcpermcapacity -gcutil -printcompilation': {
        operands: ['jstat-header?', 'pid', 'jstat-interval?', 'uint?'],
      },
      '-options': { operands: [] },
    },
  },

  // ── Services: version and configuration checks ─────────────────────────────────────────────────
  {
    // nginx's own parser (clusters such as -vV). Only the version forms. Not declared: -t and -T:
    // a config test runs the whole ngx_init_cycle, which opens (creating if missing) the pid file,
    // every error and access log and the temp directories; as AALS's unprivileged identity it fails
    // on those permissions instead of reporting on the config, and as root it creates files. Nor -s
    // (signals: stop, reload), -c/-p/-g (another config, prefix or directives; a config can
    // load_module any .so), -e (an error log it writes), -q. Without -v/-V/-h nginx starts a server.
    program: 'nginx',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-v -V -h -?': 'flag' },
    requires: ['-v -V -h -?'],
    operands: [],
  },
  {
    // apachectl/apache2ctl pass their arguments to httpd, which starts the server unless a mode
    // that exits is given: either the configtest/status/fullstatus action, or one of -v, -V, -S
    // (-t -D DUMP_VHOSTS), -M (-t -D DUMP_MODULES), -t, -l, -L. With -t, httpd exits after parsing
    // the config, before opening logs or binding. status/fullstatus read the local server-status
    // page (Debian: through www-browser; RHEL: systemctl status). Not declared: start/stop/restart/
    // graceful*, -k, -f/-d/-C/-c (another config or directives), -e/-E (log files), -X (runs the
    // server in the foreground), -D other than the dump defines.
    program: 'apachectl apache2ctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'apachectl-action': /^(?:configtest|status|fullstatus)$/ },
    options: {
      '-v -V -S -M -t -l -L -h': 'flag',
      '-D': ['DUMP_VHOSTS', 'DUMP_MODULES', 'DUMP_RUN_CFG', 'DUMP_INCLUDES'],
    },
    operands: ['apachectl-action'],
    operandsWith: { '-v -V -S -M -t -l -L -h': [] },
  },
  {
    // The server binary itself (RHEL's httpd, Debian's apache2): the same exiting modes as above,
    // one of which is required (httpd without them starts the server).
    program: 'httpd apache2',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-v -V -S -M -t -l -L -h': 'flag',
      '-D': ['DUMP_VHOSTS', 'DUMP_MODULES', 'DUMP_RUN_CFG', 'DUMP_INCLUDES'],
    },
    requires: ['-v -V -S -M -t -l -L -h'],
    operands: [],
  },
  {
    // haproxy reads each option as a whole word. -c checks a config and exits; the config must be
    // the operator's, under /etc/haproxy: a config names Lua files it runs (lua-load) and its parse
    // errors quote the lines of whatever file -f names. Not declared: -f elsewhere, `--` (a list of
    // config files follows), -D/-W/-Ws (daemon, master-worker), -p (writes a pid file), -sf/-st
    // (signal running processes), -S (master CLI socket), -C (chdir), -L, -d* (debug modes).
    program: 'haproxy',
    syntax: 'words',
    stdin: 'ignore',
    types: { 'haproxy-config': /^\/etc\/haproxy(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\/?$/ },
    options: { '-v -vv -c -q -V': 'flag', '-f': 'haproxy-config' },
    requires: ['-v -vv -c'],
    operands: [],
  },
  {
    // Counters from the varnishd shared memory. One of -1/-j/-x/-l/-V must be given: otherwise it
    // starts the curses screen. Not declared: -N (a VSM file), -n as a path.
    program: 'varnishstat',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'varnish-field': /^\^?[A-Za-z0-9_.*?]+$/,
      'varnish-name': /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/,
      'varnish-timeout': /^(?:off|\d{1,6}(?:\.\d{1,3})?)$/,
    },
    options: {
      '-1 -j -x -l -r -V': 'flag',
      '-f -I -X': 'varnish-field',
      '-n': 'varnish-name',
      '-t': 'varnish-timeout',
    },
    requires: ['-1 -j -x -l -V'],
    operands: [],
  },

  // ── cgroups ────────────────────────────────────────────────────────────────────────────────────
  {
    // Options and positional arguments in order ("-hkalM:u::xc"). With -u/--unit/--user-unit the
    // operands are unit names. No pager without a terminal. Not declared: -M (a container).
    program: 'systemd-cgls',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { cgroup: CGROUP },
    options: {
      '--no-pager -a --all -l --full -k -x -c --version': 'flag',
      '--xattr --cgroup-id': BOOL,
      '-u --unit --user-unit': '[unit]',
    },
    operands: ['cgroup*'],
    operandsWith: { '-u --unit --user-unit': ['unit*'] },
  },
  {
    // Without a terminal it prints one iteration and exits (arg_iterations = on_tty() ? 0 : 1); the
    // interactive keys only change the display, so -b is not required. Not declared: -M.
    program: 'systemd-cgtop',
    syntax: 'gnu',
    stdin: 'refuse',
    types: {
      cgroup: CGROUP,
      'cgtop-delay': /^\d{1,6}(?:\.\d{1,3})?(?:ms|s|sec|min|m)?$/,
      'cgtop-cpu': /^(?:percentage|time)$/,
    },
    options: {
      '-p -t -c -m -i -r --raw -P -k -1 -b --batch --version': 'flag',
      '-d --delay': 'cgtop-delay',
      '-n --iterations --depth': 'uint',
      '--order': ['path', 'tasks', 'cpu', 'memory', 'io'],
      '--cpu': '[cgtop-cpu]',
      '--recursive': BOOL,
    },
    operands: ['cgroup?'],
  },

  // ── Firewalls ──────────────────────────────────────────────────────────────────────────────────
  {
    // ufw's own parser. Only: status [verbose|numbered], show REPORT, app list, app info PROFILE,
    // version. Not declared: enable, disable, reload, reset, default, logging, allow, deny, reject,
    // limit, delete, insert, prepend, route, app update/default, --dry-run/--force prefixes.
    program: 'ufw',
    syntax: 'words',
    stdin: 'ignore',
    types: {
      'ufw-status': /^(?:verbose|numbered)$/,
      'ufw-show': /^(?:raw|builtins|before-rules|user-rules|after-rules|logging-rules|listening|added)$/,
      'ufw-profile': /^[A-Za-z0-9][A-Za-z0-9 _.+-]{0,63}$/,
    },
    subcommands: {
      status: { operands: ['ufw-status?'] },
      show: { operands: ['ufw-show'] },
      app: {
        subcommands: {
          list: { operands: [] },
          info: { operands: ['ufw-profile'] },
        },
      },
      'version --version': { operands: [] },
    },
  },
  {
    // firewall-cmd (argparse) talks to firewalld over D-Bus. Only the query options: --state,
    // --list-*, --get-*, --info-*, --query-*, with --zone/--policy/--service/--ipset selecting what
    // they read and --permanent reading the permanent configuration. Not declared: every --add-*,
    // --remove-*, --change-*, --set-*, --new-*, --delete-*, --load-*-defaults, --reload,
    // --complete-reload, --runtime-to-permanent, --panic-on/off, --lockdown-on/off, --direct,
    // --timeout, --reset-to-defaults, --path-* and --*-from-file.
    program: 'firewall-cmd',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'fw-name': /^[A-Za-z0-9_][A-Za-z0-9_+.-]{0,63}$/,
      'fw-port': /^\d{1,5}(?:-\d{1,5})?\/(?:tcp|udp|sctp|dccp)$/,
      'fw-source': /^(?:[0-9A-Fa-f:.]+(?:\/\d{1,3})?|ipset:[A-Za-z0-9_.+-]{1,32})$/,
      'fw-forward-port':
        /^port=\d{1,5}(?:-\d{1,5})?:proto=[a-z]{3,4}(?::toport=\d{1,5}(?:-\d{1,5})?)?(?::toaddr=[0-9A-Fa-f:.]+(?:\/\d{1,3})?)?$/,
      'fw-rich-rule': /^rule [A-Za-z0-9 _.:/="'-]{1,512}$/,
      'fw-iface': /^[A-Za-z0-9_.:@-]{1,15}$/,
    },
    options: {
      '-q --quiet -V --version --state --check-config --permanent': 'flag',
      '--get-log-denied --get-automatic-helpers --get-default-zone --get-active-zones --get-zones': 'flag',
      '--get-services --get-icmptypes --get-ipset-types --get-ipsets --get-helpers --get-policies': 'flag',
      '--get-active-policies --get-target --get-description --get-short --get-entries --get-ports': 'flag',
      '--get-protocols --get-source-ports --get-modules --get-destinations --get-includes': 'flag',
      '--list-all --list-all-zones --list-all-policies --list-services --list-ports --list-protocols': 'flag',
      '--list-source-ports --list-icmp-blocks --list-forward-ports --list-rich-rules': 'flag',
      '--list-interfaces --list-sources --query-masquerade --query-icmp-block-inversion': 'flag',
      '--query-panic --query-lockdown': 'flag',
      '--zone --policy --service --ipset --info-zone --info-service --info-ipset --info-icmptype': 'fw-name',
      '--info-helper --info-policy --query-service --query-protocol --query-icmp-block': 'fw-name',
      '--query-port --query-source-port': 'fw-port',
      '--query-forward-port': 'fw-forward-port',
      '--query-rich-rule': 'fw-rich-rule',
      '--get-zone-of-interface --query-interface': 'fw-iface',
      '--get-zone-of-source --query-source': 'fw-source',
    },
    operands: [],
  },
  {
    // ipset matches each option as a whole word (one or two leading dashes) and commands by their
    // name or letter. Only list (-L), save (-S) and test (-T): save prints to standard output. Not
    // declared: -f/-file (save writes it, restore reads it), -! /-exist, `-` (interactive mode that
    // reads commands from standard input), create, add, del, destroy, flush, rename, swap, restore.
    program: 'ipset',
    syntax: 'words',
    stdin: 'ignore',
    types: {
      'ipset-name': /^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,30}$/,
      'ipset-entry': /^[A-Za-z0-9_][A-Za-z0-9_.:,/-]{0,127}$/,
    },
    options: {
      '-o -output --output': ['plain', 'save', 'xml', 'json'],
      '-s -sorted --sorted -q -quiet --quiet -r -resolve --resolve': 'flag',
    },
    subcommands: {
      'list -L': { options: { '-t -terse --terse -n -name --name': 'flag' }, operands: ['ipset-name?'] },
      'save -S': { operands: ['ipset-name?'] },
      'test -T': { operands: ['ipset-name', 'ipset-entry'] },
      'version -v -V': { operands: [] },
    },
  },

  // ── Disks, partitions and file systems ─────────────────────────────────────────────────────────
  {
    // Only reads of the RTC. Not declared: --set, -s/--hctosys, -w/--systohc, --systz, -a/--adjust,
    // --param-set, --predict/--date, --update-drift, --adjfile, --directisa, --test.
    program: 'hwclock',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      rtc: /^\/dev\/rtc\d{0,2}$/,
      'rtc-param': /^(?:features|correction|bsm|0x[0-9a-fA-F]{1,8}|\d{1,10})$/,
    },
    options: {
      '-r --show --get -u --utc -l --localtime -v --verbose -V --version': 'flag',
      '-f --rtc': 'rtc',
      '--param-get': 'rtc-param',
    },
    operands: [],
  },
  {
    // Only the listing forms, never an operand: `swapon DEVICE` enables swap. Not declared: -a, -d,
    // -e, -f (reinitialises the swap area), -o, -p, -L/-U.
    program: 'swapon',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS },
    options: {
      '-s --summary --bytes --noheadings --raw -v --verbose -V --version': 'flag',
      '--show': '[columns]',
    },
    operands: [],
  },
  {
    // Without -l/-x fdisk opens the device interactively and reads its commands from standard input
    // (w writes the table). Not declared: -w/-W (wipe), -B, -n, --lock, -C/-H/-S (geometry).
    program: 'fdisk',
    syntax: 'gnu',
    stdin: 'refuse',
    types: {
      'block-device': BLOCK_DEVICE,
      columns: COLUMNS,
      'fdisk-unit': /^(?:cylinders|sectors)$/,
      'fdisk-compat': /^(?:dos|nondos)$/,
      'color-when': /^(?:auto|never|always)$/,
    },
    options: {
      '-l --list -x --list-details -s --getsz --bytes -V --version': 'flag',
      '-o --output': 'columns',
      '-t --type': ['dos', 'gpt', 'sgi', 'sun', 'bsd'],
      '-b --sector-size': ['512', '1024', '2048', '4096'],
      '-u --units': '[fdisk-unit]',
      '-c --compatibility': '[fdisk-compat]',
      '-L --color': '[color-when]',
    },
    requires: ['-l --list -x --list-details -s --getsz -V --version'],
    operands: ['block-device*'],
  },
  {
    // Without a listing mode sfdisk reads a partition script from standard input and writes it.
    // Modes declared: -l, -d (dump to standard output), -J, -F, -g, -G, -s, -V (verify), -T. Not
    // declared: -A (sets the bootable flag), -r (reorders), --delete, --part-*, --disk-id, --relocate,
    // --move-data, -a, -b/-O (backup files), -N, -w/-W, -X/-Y, --id/--change-id.
    program: 'sfdisk',
    syntax: 'gnu',
    stdin: 'refuse',
    types: { 'block-device': BLOCK_DEVICE, columns: COLUMNS },
    options: {
      '-l --list -d --dump -J --json -F --list-free -g --show-geometry -G --show-pt-geometry': 'flag',
      '-s --show-size -V --verify -T --list-types -q --quiet -v --version': 'flag',
      '-o --output': 'columns',
    },
    requires: [
      '-l --list -d --dump -J --json -F --list-free -g --show-geometry -G --show-pt-geometry -s --show-size -V --verify -T --list-types -v --version',
    ],
    operands: ['block-device*'],
  },
  {
    // parted runs the commands that follow the device: only `[unit U] print [free|all|list|devices]`.
    // Without a terminal on standard input (the executor gives none) its exception prompts are
    // unhandled, as with -s, so no "Fix?" is answered. Not declared: -f/--fix (answers fix),
    // -a/--align, ---pretend-input-tty, and every other command (mklabel, mkpart, rm, resizepart,
    // name, set, toggle, rescue, …).
    program: 'parted',
    syntax: 'gnu',
    stdin: 'refuse',
    types: {
      'block-device': BLOCK_DEVICE,
      'parted-unit-word': /^unit$/,
      'parted-unit': /^(?:s|B|kB|MB|MiB|GB|GiB|TB|TiB|%|cyl|chs|compact)$/,
      'parted-print': /^print$/,
      'parted-print-what': /^(?:free|all|list|devices)$/,
    },
    options: { '-l --list -m --machine -s --script -j --json -v --version': 'flag' },
    operands: ['block-device', 'parted-unit-word?', 'parted-unit?', 'parted-print', 'parted-print-what?'],
    operandsWith: { '-l --list -v --version': [] },
  },
  {
    // Listing only: with no -a and no -o wipefs probes and prints the signatures. Not declared:
    // -a/--all and -o/--offset (erase), -b/--backup (writes files to $HOME), -f/--force, --lock.
    program: 'wipefs',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'block-device': BLOCK_DEVICE,
      columns: COLUMNS,
      'fs-types': /^(?:no)?[A-Za-z0-9_]+(?:,(?:no)?[A-Za-z0-9_]+)*$/,
    },
    options: {
      '-n --no-act -J --json -i --noheadings -p --parsable -q --quiet -V --version': 'flag',
      '-O --output': 'columns',
      '-t --types': 'fs-types',
    },
    operands: ['block-device+'],
  },
  {
    // Only -l (print the superblock; the device is then opened read-only). Every other option
    // changes the file system.
    program: 'tune2fs',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'fs-device': FS_DEVICE },
    options: { '-l': 'flag' },
    requires: ['-l'],
    operands: ['fs-device'],
  },
  {
    // Only the superblock header (-h). Not declared: -i (an image file), -o superblock=/blocksize=.
    program: 'dumpe2fs',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'fs-device': FS_DEVICE },
    options: { '-h -x -V': 'flag' },
    requires: ['-h -V'],
    operands: ['fs-device?'],
  },
  {
    // A script around xfs_spaceman/`xfs_db -r`. Not declared: -t (another mtab file).
    program: 'xfs_info',
    syntax: 'posix',
    stdin: 'ignore',
    options: { '-V': 'flag' },
    operands: ['meta-path?'],
  },
  {
    // blockdev reads each command as a whole word, then the devices. Only the --get* ioctls and
    // --report. Not declared: --setro, --setrw, --setbsz, --setra, --setfra, --flushbufs, --rereadpt.
    program: 'blockdev',
    syntax: 'words',
    stdin: 'ignore',
    types: { 'block-device': BLOCK_DEVICE },
    options: {
      '-q -v --report': 'flag',
      '--getsz --getsize --getsize64 --getss --getpbsz --getiomin --getioopt --getalignoff': 'flag',
      '--getmaxsect --getbsz --getro --getdiscardzeroes --getra --getfra --getdiskseq --getzonesz': 'flag',
    },
    operands: ['block-device*'],
  },
  {
    // nvme-cli: identify and log pages only (Get Log Page / Identify are reads). Not declared:
    // format, sanitize, fw-download, fw-commit, set-feature, create-ns, delete-ns, attach-ns,
    // detach-ns, reset, subsystem-reset, ns-rescan, write*, read (dumps data), compare,
    // write-zeroes, dsm, flush, admin-passthru, io-passthru, security-send/recv, connect*,
    // disconnect*, gen-*, device-self-test, get-feature, show-regs, vendor plugins; -o binary and
    // -b (raw binary output).
    program: 'nvme',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'nvme-device': /^\/dev\/nvme\d{1,3}(?:n\d{1,4})?$/ },
    options: { '-v --verbose': 'flag', '-o --output-format': ['normal', 'json'] },
    subcommands: {
      list: { operands: [] },
      'list-subsys': { operands: ['nvme-device?'] },
      'smart-log': {
        options: { '-H --human-readable': 'flag', '-n --namespace-id': 'uint' },
        operands: ['nvme-device'],
      },
      'id-ctrl': {
        options: { '-H --human-readable -V --vendor-specific': 'flag' },
        operands: ['nvme-device'],
      },
      'id-ns': {
        options: { '-H --human-readable -V --vendor-specific': 'flag', '-n --namespace-id': 'uint' },
        operands: ['nvme-device'],
      },
      'list-ns list-ctrl': { operands: ['nvme-device'] },
      'error-log': { options: { '-e --log-entries': 'uint' }, operands: ['nvme-device'] },
      'fw-log': { operands: ['nvme-device'] },
      version: { operands: [] },
    },
  },
  {
    // Only -i (the kernel's copy of the identify data) and -I (IDENTIFY from the drive): most other
    // hdparm options change drive settings (-S, -B, -W, -M, …) or can destroy data.
    program: 'hdparm',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'block-device': BLOCK_DEVICE },
    options: { '-i -I': 'flag' },
    requires: ['-i -I'],
    operands: ['block-device+'],
  },
  {
    // Only -l/-ll (list the topology), -t/-T (print the configuration). `multipath` without them
    // creates maps; -f/-F flush maps, -r reloads, -a/-w/-W edit the wwids file, -c/-u/-U/-C check
    // paths for udev. -l takes an optional attached argument: `-ll` is -l with `l`.
    program: 'multipath',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      ll: /^l$/,
      verbosity: /^\d$/,
      'mpath-map': /^(?:\/dev\/[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}|[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127})$/,
    },
    options: { '-l': '[ll]', '-t -T': 'flag', '-v': 'verbosity' },
    requires: ['-l -t -T'],
    operands: ['mpath-map?'],
  },
  {
    // Only the listing and show forms of -m session/node/iface/host. Not declared: -o (new, update,
    // delete, nonpersistent), -n/-v (record names and values), -l/-L (login), -u/-U (logout),
    // -R (rescan), -k (kills iscsid), -S (shows CHAP secrets), -t (discovery), -m discovery, discoverydb and fw.
    program: 'iscsiadm',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      iqn: /^(?:iqn|eui|naa)\.[A-Za-z0-9.:_-]{1,220}$/,
      portal: /^[0-9A-Fa-f.:[\]]{2,64}(?::\d{1,5})?(?:,\d{1,5})?$/,
    },
    options: {
      '-m --mode': ['session', 'node', 'iface', 'host'],
      '-P --print': ['0', '1', '2', '3', '4'],
      '-r --sid -H --host': 'uint',
      '-T --targetname': 'iqn',
      '-p --portal': 'portal',
      '-I --interface': 'name',
      '-s --stats -V --version': 'flag',
    },
    requires: ['-m --mode -V --version'],
    operands: [],
  },
  {
    // With no operand and no -a/-r/-u/-f, exportfs prints the export table. An operand exports it.
    program: 'exportfs',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-v -s': 'flag' },
    operands: [],
  },
  {
    // Not declared: -z/--zero (resets counters), -S/--since (reads a stats file).
    program: 'nfsstat',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-2 -3 -4 -c --client -s --server -m --mounted -n --nfs -r --rpc -v --verbose --all': 'flag',
      '-l --list --version': 'flag',
      '-o': ['nfs', 'rpc', 'net', 'fh', 'rc', 'io', 'ra', 'all'],
      '-Z --sleep': '[uint]',
    },
    operands: [],
  },
  {
    // Asks a host's mountd: the host must be loopback or internal (default: this host's name).
    program: 'showmount',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-a --all -d --directories -e --exports --no-headers -v --version': 'flag' },
    operands: ['host?'],
  },
  {
    // Lists a host's rpcbind registrations. Not declared: -d (unregisters a program), -b
    // (broadcast), -a/-T/-n/-t/-u/-l (call or probe programs).
    program: 'rpcinfo',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-p -s -m': 'flag' },
    operands: ['host?'],
  },
  {
    // Status only: with no -f/-r/-s/-a/-t zramctl prints (optionally for one device). Not declared:
    // -f (finds and sets up a device), -r (resets), -s, -a, -t.
    program: 'zramctl',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS, 'zram-device': /^\/dev\/zram\d{1,3}$/ },
    options: {
      '-b --bytes -n --noheadings --output-all --raw -V --version': 'flag',
      '-o --output': 'columns',
    },
    operands: ['zram-device?'],
  },
  {
    program: 'lslocks',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS },
    options: {
      '-b --bytes -J --json -i --noinaccessible -n --noheadings --output-all -r --raw': 'flag',
      '-u --notruncate -V --version': 'flag',
      '-o --output': 'columns',
      '-p --pid': 'pid',
    },
    operands: [],
  },
  {
    program: 'lsipc',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS },
    options: {
      '-m --shmems -q --queues -s --semaphores -g --global -b --bytes -c --creator -e --export': 'flag',
      '-J --json -n --newline -l --list -P --numeric-perms -r --raw -t --time -y --shell': 'flag',
      '--noheadings --notruncate -V --version': 'flag',
      '-i --id': 'uint',
      '-o --output': '[columns]',
      '--time-format': ['short', 'full', 'iso'],
    },
    operands: [],
  },
  {
    // vnstat reads an optional count or mode from the word after some options (`-d 7`, `--json d 5`),
    // so such words are operands here; a database query only. Not declared: --add, --remove,
    // --rename, --setalias, --force, --config (loads a config file), --dbdir, --alert, and the
    // vnstat 1.x writers (-u, --update, -r/--reset, --delete, --create, --enable/--disable).
    program: 'vnstat',
    syntax: 'words',
    stdin: 'ignore',
    types: {
      'vnstat-iface': /^[A-Za-z0-9_.:@-]{1,15}(?:\+[A-Za-z0-9_.:@-]{1,15})*$/,
      'vnstat-arg': /^(?:\d{1,5}|[afhdmytsb5])$/,
      'vnstat-date': /^\d{4}-\d{2}(?:-\d{2}(?: \d{2}:\d{2})?)?$/,
    },
    options: {
      '-5 --fiveminutes -h --hours -hg --hoursgraph -d --days -m --months -y --years -t --top': 'flag',
      '-s --short -l --live -tr --oneline --json --xml -q --query --iflist --dbiflist -v --version': 'flag',
      '-i --iface': 'vnstat-iface',
      '-b --begin -e --end': 'vnstat-date',
      '--limit --style': 'uint',
    },
    operands: ['vnstat-arg*'],
  },

  // ── CPU, memory and hardware ───────────────────────────────────────────────────────────────────
  {
    // numastat [-c] [-m] [-n] [-p PID|PATTERN] [-s[NODE]] [-v] [-z] [PID|PATTERN…].
    program: 'numastat',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'proc-spec': /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]{0,63}$/, node: /^\d{1,4}$/ },
    options: { '-c -m -n -v -V -z': 'flag', '-p': 'proc-spec', '-s': '[node]' },
    operands: ['proc-spec*'],
  },
  {
    // Only frequency-info, idle-info and info. Not declared: frequency-set, idle-set, set, monitor
    // (runs a command given to it).
    program: 'cpupower',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'cpu-list': /^(?:all|\d{1,4}(?:-\d{1,4})?(?:,\d{1,4}(?:-\d{1,4})?)*)$/ },
    options: { '-c --cpu': 'cpu-list', '-d --debug -v --version': 'flag' },
    subcommands: {
      'frequency-info': {
        options: {
          '-e --debug -b --boost -f --freq -w --hwfreq -l --hwlimits -d --driver -p --policy': 'flag',
          '-g --governors -r --related-cpus -a --affected-cpus -s --stats -y --latency -o --proc': 'flag',
          '-m --human -n --no-rounding': 'flag',
        },
        operands: [],
      },
      'idle-info': { options: { '-s --silent -o --proc': 'flag' }, operands: [] },
      info: { options: { '-b --perf-bias': 'flag' }, operands: [] },
    },
  },
  {
    // SMBIOS tables. Not declared: --dump-bin (writes a file), --from-dump and -d/--dev-mem (read
    // another file as memory).
    program: 'dmidecode',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'dmi-types': /^(?:[a-z]{3,12}|\d{1,3})(?:,(?:[a-z]{3,12}|\d{1,3}))*$/,
      'dmi-string': /^[a-z][a-z0-9-]{2,40}$/,
      'dmi-oem': /^(?:\d{1,3}|count)$/,
    },
    options: {
      '-q --quiet -u --dump --no-sysfs --no-quirks -V --version': 'flag',
      '-t --type': 'dmi-types',
      '-s --string': 'dmi-string',
      '-H --handle': 'uint',
      '--oem-string': 'dmi-oem',
    },
    operands: [],
  },
  {
    // lshw reads its options as whole words. Not declared: -dump (writes an SQLite file), -X (GUI).
    program: 'lshw',
    syntax: 'words',
    stdin: 'ignore',
    types: {
      'lshw-class': /^[a-z]{2,16}$/,
      'lshw-test':
        /^(?:dmi|device-tree|spd|memory|cpuinfo|cpuid|pci|isapnp|pcmcia|ide|usb|scsi|network|firmware|sysfs|virtio|vio|pcilegacy|parisc|disk|cpufreq|lvm|mounts|fb)$/,
    },
    options: {
      '-short -businfo -json -xml -html -sanitize -numeric -quiet -notime -version': 'flag',
      '-c -C -class': 'lshw-class',
      '-disable -enable': 'lshw-test',
    },
    operands: [],
  },

  // ── Platform identification ────────────────────────────────────────────────────────────────────
  {
    program: 'lsb_release',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-v --version -i --id -d --description -r --release -c --codename -a --all -s --short': 'flag',
    },
    operands: [],
  },
  {
    program: 'getenforce',
    syntax: 'gnu',
    stdin: 'ignore',
    operands: [],
  },
  {
    program: 'sestatus',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-v -b': 'flag' },
    operands: [],
  },
  {
    program: 'systemd-detect-virt',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-c --container -v --vm -r --chroot --private-users --cvm -q --quiet --list --list-cvm --version':
        'flag',
    },
    operands: [],
  },
  {
    program: 'virt-what',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '--version': 'flag' },
    operands: [],
  },
  // ── Identity, locale and time zones ────────────────────────────────────────────────────────────
  {
    program: 'groups',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '--help --version': 'flag' },
    operands: ['user*'],
  },
  {
    // glibc's argp. Operands are category or keyword names to print (`locale -k LC_TIME`,
    // `locale charmap`); locale never sets anything.
    program: 'locale',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'locale-item': /^[A-Za-z][A-Za-z0-9_-]{0,63}$/ },
    options: {
      '-a --all-locales -m --charmaps -c --category-name -k --keyword-name -v --verbose': 'flag',
      '-V --version -? --help --usage': 'flag',
    },
    operands: ['locale-item*'],
  },
  {
    // The zone is a name under /usr/share/zoneinfo (or a POSIX TZ string such as EST5EDT), or the
    // files /etc/localtime and /usr/share/zoneinfo/…; never another path: zdump opens whatever file
    // a leading `/` or a `..` names (a device acts when opened).
    program: 'zdump',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'tz-name':
        /^(?::?[A-Za-z][A-Za-z0-9_+-]{0,63}(?:\/[A-Za-z0-9_+-]{1,63}){0,2}|\/etc\/localtime|\/usr\/share\/zoneinfo(?:\/[A-Za-z0-9_+-]{1,63}){1,3})$/,
      'zdump-years': /^-?\d{1,5}(?:,-?\d{1,5})?$/,
      'zdump-times': /^-?\d{1,12}(?:,-?\d{1,12})?$/,
    },
    options: {
      '-v -V -i --version --help': 'flag',
      '-c': 'zdump-years',
      '-t': 'zdump-times',
    },
    operands: ['tz-name*'],
  },
  {
    // util-linux (getopt_long "acefGg:HhJLl:no:prsuVyzZ"; 2.38 lacks -H and -J). Not declared:
    // --wtmp-file, --btmp-file, --lastlog-file, --lastlog2-file (read other files). -p prints only
    // whether a password is set, locked or its hash method, never the hash.
    program: 'lslogins',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS },
    options: {
      '-a --acc-expiration -c --colon-separate -e --export -f --failed -G --supp-groups': 'flag',
      '-L --last -n --newline --noheadings --notruncate --output-all -p --pwd -r --raw': 'flag',
      '-s --system-accs -u --user-accs -y --shell -Z --context -z --print0 -J --json': 'flag',
      '-H --list-columns -V --version -h --help': 'flag',
      '-g --groups -l --logins': 'names',
      '-o --output': 'columns',
      '--time-format': ['short', 'full', 'iso'],
    },
    operands: ['user?'],
  },

  // ── File metadata: ACLs, attributes, capabilities, path walks ──────────────────────────────────
  {
    // acl's getfacl ("aceEsRLPtpndvh"): extended attributes only, never the file content; -R walks
    // a tree listing ACLs. An operand `-` reads the names to look at from standard input.
    program: 'getfacl',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-a --access -c --omit-header -e --all-effective -E --no-effective -s --skip-base': 'flag',
      '-R --recursive -L --logical -P --physical -t --tabular -p --absolute-names -n --numeric': 'flag',
      '-d --default --one-file-system -v --version -h --help': 'flag',
    },
    operands: ['meta-path+'],
  },
  {
    // e2fsprogs ("RVadlpv"): the flags ioctl, which e2p only issues on regular files and
    // directories (it lstat()s first), so a device is never opened. Without an operand it lists the
    // working directory's entries.
    program: 'lsattr',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-R -V -a -d -l -p -v': 'flag' },
    operands: ['meta-path*'],
  },
  {
    program: 'namei',
    syntax: 'gnu',
    stdin: 'ignore',
    options: {
      '-x --mountpoints -m --modes -o --owners -l --long -n --nosymlinks -v --vertical': 'flag',
      '-h --help -V --version': 'flag',
    },
    operands: ['meta-path+'],
  },
  {
    // libcap's getcap (getopt "rvhnl": -l prints the licence, -n the namespace root uid, -r
    // recurses). File capabilities are an extended attribute.
    program: 'getcap',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-r -v -h -n -l': 'flag' },
    operands: ['meta-path+'],
  },

  // ── Processes and namespaces ───────────────────────────────────────────────────────────────────
  {
    // util-linux lsns ("JlPp:o:nruhVt:T::WQ:H"; -T takes an optional attached value). Not
    // declared: -Q/--filter (an expression language).
    program: 'lsns',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { columns: COLUMNS, 'lsns-tree': /^(?:parent|owner|process)$/ },
    options: {
      '-J --json -l --list -n --noheadings --output-all -r --raw -u --notruncate -W --nowrap': 'flag',
      '-P --persistent -H --list-columns -h --help -V --version': 'flag',
      '-o --output': 'columns',
      '-p --task': 'pid',
      '-t --type': ['mnt', 'net', 'ipc', 'user', 'pid', 'uts', 'cgroup', 'time'],
      '-T --tree': '[lsns-tree]',
    },
    operands: ['uint?'],
  },
  {
    // The link /proc/PID/cwd, printed as a path.
    program: 'pwdx',
    syntax: 'gnu',
    stdin: 'ignore',
    options: { '-h --help -V --version': 'flag' },
    operands: ['pid+'],
  },
  {
    // psmisc's own parser: short clusters, exact long names, options anywhere; -n always takes the
    // next word (an attached `-ntcp` is ignored) and fuser rejects any but file, tcp and udp. Not declared: -k/--kill (with -i/--interactive and -w/--writeonly, which only
    // qualify the kill) and the -SIGNAL words (-9, -HUP). A name is a file (stat only) or a local
    // port such as 80/tcp; never a `port,host,port` spec (fuser resolves the host: a DNS query),
    // so no commas.
    program: 'fuser',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'fuser-name': /^(?![-~])(?!.*,)[^\0\n]{1,4096}$/ },
    options: {
      '-a --all -c -m --mount -M --ismountpoint -s --silent -u --user -v --verbose -f': 'flag',
      '-I --inode -4 --ipv4 -6 --ipv6 -l --list-signals -V --version -h --help': 'flag',
      '-n --namespace': ['file', 'tcp', 'udp'],
    },
    operands: ['fuser-name*'],
  },
  {
    // `kill -l`/`kill -L` only translate or list signal names: in bash's and dash's builtins (the
    // executor's /bin/sh) and in procps' /bin/kill, the listing mode never signals anything, and
    // its operands are signal numbers, exit statuses (137) or names. The option must come first:
    // `kill 1234 -l` signals 1234 in the shells, so parsing stops at the first operand, and an
    // operand is at most three digits or a signal name, never a PID.
    program: 'kill',
    syntax: 'posix',
    stdin: 'ignore',
    types: { 'signal-spec': /^(?:\d{1,3}|(?:SIG)?[A-Z][A-Z0-9]{0,9}(?:[+-]\d{1,2})?)$/ },
    options: { '-l -L': 'flag' },
    requires: ['-l -L'],
    operands: ['signal-spec*'],
  },

  // ── Hardware sensors and udev ──────────────────────────────────────────────────────────────────
  {
    // lm-sensors ("hsvfAc:uj"). Not declared: -s/--set (writes the limits of the config to the
    // chips), -c/--config-file (another configuration, which names chip set statements).
    program: 'sensors',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'sensors-chip': /^[A-Za-z0-9_*]+(?:-[A-Za-z0-9_*]+){0,4}$/ },
    options: {
      '-A --no-adapter -u -j -f --fahrenheit -B --bus-list -v --version -h --help': 'flag',
    },
    operands: ['sensors-chip*'],
  },
  {
    // Only info (the udev database and sysfs attributes), monitor (a stream of events, stopped by
    // the executor's timeout) and settle (waits for the event queue). Not declared: trigger (replays
    // events: rules run programs and change devices), control, test and test-builtin (run rules),
    // hwdb, lock, verify, cat, wait; info -c/--cleanup-db (deletes the database) and -w.
    program: 'udevadm',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'udev-device':
        /^(?:\/(?:dev|sys)\/(?!.*\/\.\.?(?:\/|$))[A-Za-z0-9_.:@+,=-][A-Za-z0-9_.:@+,=/-]{0,254}|[A-Za-z0-9_.:@\\-]{1,255}\.device)$/,
      'udev-syspath': /^\/(?!.*\/\.\.?(?:\/|$))[A-Za-z0-9_.:@+,=-][A-Za-z0-9_.:@+,=/-]{0,254}$/,
      'udev-devname': /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_.:@+,=/-]{1,255}$/,
      'udev-prefix': /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
      'udev-keys': /^[A-Za-z0-9_]{1,64}(?:,[A-Za-z0-9_]{1,64})*$/,
      'udev-match': /^[A-Za-z0-9_.:-]{1,64}(?:\/[A-Za-z0-9_.:-]{1,64})?$/,
    },
    subcommands: {
      info: {
        options: {
          '-r --root -a --attribute-walk -t --tree -x --export -e --export-db --value --no-pager': 'flag',
          '-h --help -V --version': 'flag',
          '-q --query': ['name', 'symlink', 'path', 'property', 'env', 'all'],
          '-p --path': 'udev-syspath',
          '-n --name': 'udev-devname',
          '-P --export-prefix': 'udev-prefix',
          '--property': 'udev-keys',
          '-d --device-id-of-file': 'meta-path',
        },
        operands: ['udev-device*'],
      },
      monitor: {
        options: {
          '-p --property -e --environment -k --kernel -u --udev -h --help -V --version': 'flag',
          '-s --subsystem-match -t --tag-match': 'udev-match',
        },
        operands: [],
      },
      settle: {
        options: { '-t --timeout': 'duration', '-h --help -V --version': 'flag' },
        operands: [],
      },
    },
  },

  // ── Compressed files, to standard output only ──────────────────────────────────────────────────
  {
    // Decompressing to standard output only: -d and -c are both required (without -c xz replaces
    // each file.xz with file; the operation mode is the last of -z/-d/-t/-l given, so only -d is
    // declared). Not declared: --files/--files0 (read the names from a file), -S, -z, -t, -l.
    program: 'xz',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout --to-stdout -k --keep -f --force -q --quiet': 'flag',
      '-v --verbose -Q --no-warn --single-stream --ignore-check --no-sparse': 'flag',
      '-T --threads': 'uint',
      '-F --format': ['auto', 'xz', 'lzma', 'lzip'],
    },
    requires: ['-d --decompress --uncompress', '-c --stdout --to-stdout'],
    operands: ['path*'],
  },
  {
    // unxz is xz --decompress: -c makes it print instead of replacing the files.
    program: 'unxz',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout --to-stdout -k --keep -f --force -q --quiet': 'flag',
      '-v --verbose -Q --no-warn --single-stream --ignore-check --no-sparse': 'flag',
      '-T --threads': 'uint',
    },
    requires: ['-c --stdout --to-stdout'],
    operands: ['path*'],
  },
  {
    // lzcat is xz --format=lzma --decompress --stdout.
    program: 'lzcat',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-q --quiet -v --verbose -k --keep -f --force --single-stream': 'flag' },
    operands: ['path*'],
  },
  {
    // bzip2's own parser: clustered flags, exact long names, no option takes a value. -d and -c
    // are both required; -z and -t are not declared (the mode is the last one given).
    program: 'bzip2',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress -c --stdout -k --keep -f --force -s --small -q --quiet -v --verbose': 'flag',
    },
    requires: ['-d --decompress', '-c --stdout'],
    operands: ['path*'],
  },
  {
    program: 'bunzip2',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress -c --stdout -k --keep -f --force -s --small -q --quiet -v --verbose': 'flag',
    },
    requires: ['-c --stdout'],
    operands: ['path*'],
  },
  {
    // lz4 reads a second operand as the OUTPUT file (`lz4 -d in.lz4 out`), so one operand at most,
    // with -d and -c. Not declared: -m/-r (each input to its own output file), --rm, -D (a
    // dictionary file), -z, -t, --list, -b (benchmarks).
    program: 'lz4',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout --to-stdout -k --keep -f --force': 'flag',
      '-q --quiet -v --verbose --no-sparse': 'flag',
    },
    requires: ['-d --decompress --uncompress', '-c --stdout --to-stdout'],
    operands: ['path?'],
  },
  {
    program: 'unlz4',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout --to-stdout -k --keep -f --force': 'flag',
      '-q --quiet -v --verbose --no-sparse': 'flag',
    },
    requires: ['-c --stdout --to-stdout'],
    operands: ['path?'],
  },
  {
    // lz4cat is lz4 -dcfm: every operand is an input, all of them to standard output.
    program: 'lz4cat',
    syntax: 'gnu',
    stdin: 'data',
    options: { '-q --quiet -v --verbose': 'flag' },
    operands: ['path*'],
  },
  {
    // zstd: -d and -c. Not declared: -o and --output-dir-* (write files), --rm (deletes the
    // input), -r, --filelist (names from a file), -D and --patch-from (other files), --trace (writes
    // a log), -l and -t.
    program: 'zstd',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout -k --keep -f --force -q --quiet -v --verbose': 'flag',
      '--no-progress --no-check': 'flag',
    },
    requires: ['-d --decompress --uncompress', '-c --stdout'],
    operands: ['path*'],
  },
  {
    program: 'unzstd',
    syntax: 'gnu',
    stdin: 'data',
    options: {
      '-d --decompress --uncompress -c --stdout -k --keep -f --force -q --quiet -v --verbose': 'flag',
      '--no-progress --no-check': 'flag',
    },
    requires: ['-c --stdout'],
    operands: ['path*'],
  },
  {
    // Info-ZIP unzip, listing and testing only: one of -l, -v, -t, -z (the archive comment) or -Z
    // (ZipInfo mode, which never extracts; -Z must be the first option or unzip refuses it) is
    // required, and no extracting option (-p, -c, -f, -u, -d, -o, -x, …) is declared; -T (sets the
    // archive's time stamp) and -M (pager) are not either. Then come the member names to list.
    program: 'unzip',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'zip-member': /^(?![-@])[^\0\n]{1,1024}$/ },
    options: { '-l -v -t -z -q -Z -C': 'flag' },
    requires: ['-l -v -t -z -Z'],
    operands: ['path', 'zip-member*'],
  },
  {
    // ZipInfo never extracts. Not declared: -M (pager), -x (exclusion list).
    program: 'zipinfo',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'zip-member': /^(?![-@])[^\0\n]{1,1024}$/ },
    options: { '-1 -2 -s -m -l -v -h -t -T -z -C': 'flag' },
    operands: ['path', 'zip-member*'],
  },

  // ── Binaries and commands ──────────────────────────────────────────────────────────────────────
  {
    // Headers, segments, sections, symbols, notes, relocations, the dynamic section and version
    // information: the structure of an ELF file, never its bytes. Not declared: -x/-p/-R (dump
    // section contents), -w/--debug-dump and -P (follow debug links into other files, through
    // debuginfod when configured), --ctf*, --sframe, --dwarf-*. Operands are not `path`: binutils
    // expand an `@file` argument into options read from the file.
    // ldd is left out on purpose: with some loaders it runs the program it inspects.
    program: 'readelf',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'elf-file': OPENED_FILE,
      'demangle-style': /^(?:none|auto|gnu-v3|java|gnat|dlang|rust)$/,
    },
    options: {
      '-a --all -h --file-header -l --program-headers --segments -S --section-headers --sections': 'flag',
      '-g --section-groups -t --section-details -e --headers -s --syms --symbols --dyn-syms': 'flag',
      '--lto-syms -n --notes -r --relocs -u --unwind -d --dynamic -V --version-info': 'flag',
      '-A --arch-specific -c --archive-index -D --use-dynamic -I --histogram -W --wide': 'flag',
      '-T --silent-truncation -L --lint --enable-checks -C --no-demangle -H --help -v --version': 'flag',
      '--recurse-limit --no-recurse-limit': 'flag',
      '--demangle': '[demangle-style]',
      '-U --unicode': [
        'd',
        'l',
        'e',
        'x',
        'h',
        'i',
        'default',
        'locale',
        'escape',
        'hex',
        'highlight',
        'invalid',
      ],
      '--sym-base': ['0', '8', '10', '16'],
    },
    operands: ['elf-file+'],
  },
  {
    // debianutils' which (getopts "a") or GNU which: program names only. Not declared: GNU which's
    // --read-alias/--read-functions (parse definitions from standard input).
    program: 'which',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'command-name': COMMAND_NAME },
    options: { '-a --all': 'flag' },
    operands: ['command-name+'],
  },
  {
    // util-linux whereis. Not declared: -B/-M/-S (directory lists ended by -f).
    program: 'whereis',
    syntax: 'gnu',
    stdin: 'ignore',
    types: { 'command-name': COMMAND_NAME },
    options: { '-b -m -s -u -l -h --help -V --version': 'flag' },
    operands: ['command-name*'],
  },

  // ── Searching and structured files ─────────────────────────────────────────────────────────────
  {
    // ripgrep: like grep -r, so the paths are trees, and at least one is required (with none rg
    // searches the working directory, the identity's home, or its standard input). Not declared:
    // --pre and --pre-glob (run a program on each file), -z/--search-zip (runs decompressors),
    // -f/--file and --ignore-file (read other files), -L/--follow (follows symlinks out of the
    // tree), --hostname-bin (runs a program), --hyperlink-format, --type-add/--type-clear, --colors.
    // rg reads a config file only from RIPGREP_CONFIG_PATH, which the executor's fixed environment
    // does not set.
    program: 'rg',
    syntax: 'gnu',
    stdin: 'data',
    types: {
      'rg-type': /^[A-Za-z0-9_+-]{1,32}$/,
      'rg-size': /^\d{1,12}[KMG]?$/,
      'rg-encoding': /^[A-Za-z0-9_-]{1,32}$/,
      'rg-sort': /^(?:none|path|modified|accessed|created)$/,
    },
    options: {
      '-e --regexp': 'pattern',
      '-i --ignore-case -s --case-sensitive -S --smart-case -F --fixed-strings -w --word-regexp': 'flag',
      '-x --line-regexp -v --invert-match -U --multiline --multiline-dotall -P --pcre2': 'flag',
      '-n --line-number -N --no-line-number -l --files-with-matches --files-without-match': 'flag',
      '-c --count --count-matches -o --only-matching -H --with-filename -I --no-filename': 'flag',
      '--hidden -. --no-hidden -u --unrestricted --no-ignore --no-ignore-vcs --no-ignore-dot': 'flag',
      '--no-ignore-parent --no-ignore-global --no-ignore-exclude --no-ignore-files --one-file-system': 'flag',
      '-a --text --binary --no-binary --null-data --crlf -0 --null -b --byte-offset --column': 'flag',
      '--no-column --heading --no-heading --vimgrep --json -p --pretty --trim --passthru --stats': 'flag',
      '--no-messages --no-ignore-messages -q --quiet --line-buffered --block-buffered --no-config': 'flag',
      '--include-zero --glob-case-insensitive --no-context-separator --no-unicode --files': 'flag',
      '--type-list -h --help -V --version': 'flag',
      '-A --after-context -B --before-context -C --context -m --max-count': 'uint',
      '-d --max-depth --maxdepth -M --max-columns -j --threads': 'uint',
      '--max-columns-preview': 'flag',
      '--max-filesize': 'rg-size',
      '-g --glob --iglob': 'text',
      '-t --type -T --type-not': 'rg-type',
      '-r --replace --context-separator --field-match-separator --field-context-separator': 'text',
      '--path-separator': 'text',
      '-E --encoding': 'rg-encoding',
      '--color': ['never', 'auto', 'always', 'ansi'],
      '--sort --sortr': 'rg-sort',
      '--engine': ['default', 'pcre2', 'auto'],
    },
    operands: ['pattern', 'tree+'],
    // The first key given wins: with --type-list there is no operand; with --files (the names rg
    // would search) there is no pattern; names, counts or an exit status print nothing of the
    // files' content (as with grep -l); with -e the pattern is not an operand.
    operandsWith: {
      '--type-list': [],
      '--files': ['meta-path+'],
      '-l --files-with-matches --files-without-match -c --count --count-matches -q --quiet': [
        'pattern?',
        'meta-path+',
      ],
      '-e --regexp': ['tree+'],
    },
  },
  {
    // Two different programs are installed as yq: mikefarah's (Go, cobra flags, the default
    // command `eval`/`e`, or `eval-all`/`ea`) and kislyuk's (Python; hands the filter and every
    // option it does not know to jq). Only options that read the same in both, or that one of them
    // rejects with an error, are declared; the expression's type (YQ_EXPR above) holds for both.
    // Not declared: -i/--inplace/--in-place (rewrite the file), -s/--split-exp (writes a file per
    // result), --from-file and -f (mikefarah's front matter is kislyuk's jq --from-file), --expression,
    // --security-enable-system-operator, -L, --arg/--args/--rawfile/--slurpfile (jq: other files).
    program: 'yq',
    syntax: 'pflag',
    stdin: 'data',
    types: {
      'yq-command': /^(?:eval|e|eval-all|ea)$/,
      'yq-expr': YQ_EXPR,
    },
    options: {
      '-r -e --exit-status -n --null-input -N --no-doc -C --colors -M --no-colors -P --prettyPrint': 'flag',
      '-j -0 --nul-output -y --yaml-output -c -S --unwrapScalar -v --verbose -V --version': 'flag',
      '--security-disable-env-ops --security-disable-file-ops --header-preprocess': 'flag',
      '-I --indent': 'uint',
      // No format name with an `i` (ini, uri): the Python yq reads an `i` anywhere in a single-dash
      // word it passes on to jq (`-oini`) as -i, in-place editing.
      '-o --output-format':
        'auto a yaml y kyaml json j props p xml x csv c tsv t toml hcl shell s sh lua l base64'.split(' '),
      '-p --input-format': 'auto a yaml y json j props p xml x csv c tsv t toml lua l base64'.split(' '),
    },
    operands: ['yq-command?', 'yq-expr', 'path*'],
  },
];
