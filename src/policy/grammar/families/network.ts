import type { CommandNode, ToolGrammar } from '../spec.js';

/**
 * Networking: sockets, interfaces, routes, firewalls, DNS, reachability and HTTP reads.
 *
 * Peers: every word a tool connects to is a `host`, `hostport` or `url`, so only loopback and
 * policy.internalHosts run unattended. Names looked up through the system resolver are `domain`.
 * Nothing that sends local data is declared: no request bodies, uploads, `@file` arguments, headers
 * from files, proxies or name re-pointing, and tools that send their standard input (curl, nc,
 * openssl s_client, nslookup) refuse a piped stage.
 *
 * iproute2 (ip, tc, bridge) matches objects and verbs by prefix in a fixed order (`ip a`, `ip r s`):
 * the alias lists below are the prefixes the real dispatch tables resolve to the read verb, in their
 * order. Where a prefix reaches a writing verb first (`ip link s` is `set`, `tc qdisc l` is `link`)
 * it is left out.
 */

// ---------------------------------------------------------------------------------------------
// Shared value shapes (local types must be anchored regular expressions).

const HOST_NAME = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\\.?';
const DNS_TYPES =
  'a|aaaa|any|caa|cds|cdnskey|cname|dname|dnskey|ds|hinfo|https|loc|mx|naptr|ns|nsec|nsec3|nsec3param|ptr|rrsig|soa|spf|srv|sshfp|svcb|tlsa|txt|uri';
const DNS_CLASSES = 'in|ch|chaos|hs|hesiod';

const anchored = (source: string, flags = ''): RegExp => new RegExp(`^(?:${source})$`, flags);

/** A name to resolve or an address to look up in reverse (never a peer AALS connects to itself). */
const DNS_TYPE = anchored(DNS_TYPES, 'i');
const DNS_CLASS = anchored(DNS_CLASSES, 'i');
const BOOL = ['yes', 'no', 'true', 'false', 'on', 'off', '1', '0'];
/** A polling interval no shorter than 0.2 s (what unprivileged ping allows; nothing floods). */
const INTERVAL = /^(?:[1-9]\d{0,4}(?:\.\d{1,3})?|0?\.[2-9]\d{0,2})$/;
/**
 * An interface name that cannot be an option: the `words` grammars (ip, tc, bridge, ethtool) read an
 * undeclared `-x` as an operand, so their device operands must not start with `-`.
 */
const IFNAME = /^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}$/;

// ---------------------------------------------------------------------------------------------
// iproute2: ip

/** `show`/`list`/`lst` and the prefixes that reach them (`l` is list and lst, `s` is show). */
const LIST_SHOW = 'show sho sh s list lis li l lst ls';
/** The same where `s` reaches `set` first (`ip link set`, `bridge link set`). */
const LIST_SHOW_NO_S = 'show sho sh list lis li l lst ls';

const IP_TYPES = {
  ifname: IFNAME,
  'ip-family': /^(?:inet|inet6|link|bridge|mpls)$/,
  'ip-scope': /^(?:host|link|global|site|nowhere|universe|\d{1,3})$/,
  'route-table': /^(?:local|main|default|all|unspec|\d{1,10}|[A-Za-z_][A-Za-z0-9_-]{0,31})$/,
  /** A destination as iproute2 reads it: an address or prefix, or default/all and the selectors. */
  'route-prefix': /^(?:default|all|any|root|match|exact|[0-9A-Fa-f:.]{1,45}(?:\/\d{1,3})?)$/,
  'ip-label': /^[A-Za-z0-9_.:@*-]{1,32}$/,
  'neigh-state': /^(?:permanent|noarp|stale|reachable|none|incomplete|delay|probe|failed|all)$/,
};

const IP_ADDR_SHOW: CommandNode = {
  options: {
    dev: 'ifname',
    scope: 'ip-scope',
    to: 'route-prefix',
    label: 'ip-label',
    master: 'ifname',
    type: 'name',
    vrf: 'name',
    group: 'name',
    'up nomaster permanent dynamic secondary primary temporary tentative deprecated dadfailed home': 'flag',
    'nodad mngtmpaddr noprefixroute autojoin stable-privacy -tentative -deprecated -dadfailed': 'flag',
  },
  operands: ['ifname?'],
};

const IP_LINK_SHOW: CommandNode = {
  options: {
    dev: 'ifname',
    master: 'ifname',
    type: 'name',
    vrf: 'name',
    group: 'name',
    'up nomaster': 'flag',
  },
  operands: ['ifname?'],
};

const IP_ROUTE_SHOW: CommandNode = {
  options: {
    table: 'route-table',
    'dev oif iif': 'ifname',
    'proto protocol type tos dsfield realm realms vrf': 'name',
    scope: 'ip-scope',
    'via src from to root match exact': 'route-prefix',
    'metric preference pref priority': 'uint',
    'cache cloned cached': 'flag',
  },
  operands: ['route-prefix?'],
};

/** `ip route get` asks the kernel's routing table; it sends nothing to the address. */
const IP_ROUTE_GET: CommandNode = {
  options: {
    'from to': 'route-prefix',
    'iif oif': 'ifname',
    'tos dsfield mark vrf ipproto': 'name',
    uid: 'uint',
    'sport dport': 'port',
    'fibmatch connected': 'flag',
  },
  operands: ['route-prefix?'],
};

const IP_NEIGH_SHOW: CommandNode = {
  options: {
    dev: 'ifname',
    nud: 'neigh-state',
    to: 'route-prefix',
    vrf: 'name',
    master: 'ifname',
    'proxy nomaster unused': 'flag',
  },
  operands: ['route-prefix?'],
};

const IP: ToolGrammar = {
  program: 'ip',
  syntax: 'words',
  stdin: 'ignore',
  types: IP_TYPES,
  // Global options come before the object; iproute2 reads them by prefix in this order: -loops,
  // -family, -4/-6/-0, -human, -iec, -stats, -details, -resolve, -oneline, -timestamp, -tshort,
  // -Version, -force, -batch, -brief, -json, -pretty, -rcvbuf, -color, -help, -netns, -Numeric,
  // -all. So `-b` is -batch (a command file: not declared) and `-br` is -brief; `-h` is -human;
  // `-c` is -color; `-n` is -netns and takes a name. A leading `--` is the same option.
  options: {
    '-s -stats -statistics --stats --statistics': 'flag',
    '-d -details --details': 'flag',
    '-br -brief --brief': 'flag',
    '-j -json --json': 'flag',
    '-p -pretty --pretty': 'flag',
    '-o -oneline --oneline': 'flag',
    '-r -resolve --resolve': 'flag',
    '-h -human -human-readable --human --human-readable -iec --iec': 'flag',
    '-c -color --color': 'flag',
    '-N -Numeric --Numeric': 'flag',
    '-4 -6 -0': 'flag',
    '-f -family --family': 'ip-family',
    '-n -netns --netns': 'name',
    '-V -Version --Version': 'flag',
  },
  subcommands: {
    // Object order: address addrlabel maddress route rule neighbor neighbour ntable ntbl link …
    // tunnel tunl … netns. `ip add` is `ip address` (the object, not a verb).
    'address addres addre addr add ad a': { operands: [], subcommands: { [LIST_SHOW]: IP_ADDR_SHOW } },
    'link lin li l': { operands: [], subcommands: { [LIST_SHOW_NO_S]: IP_LINK_SHOW } },
    'route rout rou ro r': {
      operands: [],
      subcommands: { [LIST_SHOW]: IP_ROUTE_SHOW, 'get ge g': IP_ROUTE_GET },
    },
    'rule rul ru': {
      operands: [],
      subcommands: {
        [LIST_SHOW]: {
          options: {
            'table lookup': 'route-table',
            'pref priority order': 'uint',
            'from to': 'route-prefix',
            'iif oif': 'ifname',
            fwmark: 'name',
          },
          operands: [],
        },
      },
    },
    'neighbour neighbou neighbor neighbo neighb neigh neig nei ne n': {
      operands: [],
      subcommands: {
        [LIST_SHOW]: IP_NEIGH_SHOW,
        'get ge g': {
          options: { dev: 'ifname', to: 'route-prefix', proxy: 'flag' },
          operands: ['route-prefix?'],
        },
      },
    },
    'maddress maddres maddre maddr madd mad ma m': {
      operands: [],
      subcommands: { [LIST_SHOW]: { options: { dev: 'ifname' }, operands: ['ifname?'] } },
    },
    'tunnel tunne tunn tun tu t tunl': {
      operands: [],
      subcommands: { [LIST_SHOW]: { operands: ['ifname?'] } },
    },
    // Only listing: `ip netns exec` runs a program, add/set/delete/attach change state, monitor streams.
    'netns netn net': {
      operands: [],
      subcommands: {
        [LIST_SHOW]: { operands: [] },
        'list-id': { operands: [] },
        'identify identif identi ident iden ide id i': { operands: ['pid?'] },
        'pids pid pi p': { operands: ['name'] },
      },
    },
  },
  // Not declared: xfrm (prints IPsec keys), macsec (keys), monitor (never ends), vrf (`vrf exec`),
  // every add/change/replace/delete/flush/set/save/restore verb.
};

// ---------------------------------------------------------------------------------------------
// iproute2: tc and bridge

const TC_SHOW: CommandNode = {
  options: {
    dev: 'ifname',
    'parent classid handle': 'tc-handle',
    'protocol estimator': 'name',
    'pref prio chain block': 'uint',
    'root ingress egress clsact invisible': 'flag',
  },
  operands: [],
};

const TC: ToolGrammar = {
  program: 'tc',
  syntax: 'words',
  stdin: 'ignore',
  types: {
    ifname: IFNAME,
    'tc-handle': /^(?:root|none|ingress|egress|clsact|[0-9a-fA-F]{0,8}:[0-9a-fA-F]{0,8}|[0-9a-fA-F]{1,8})$/,
  },
  // tc's options by prefix, in order: -stats, -details, -raw, -pretty, -graph, -Version, -iec,
  // -help, -force, -batch, -netns, -Numeric, -names/-nm, -cf/-conf, -color, -timestamp, -tshort,
  // -json, -oneline. `-c` is -cf (a file), `-b` is -batch, `-f` is -force: none declared.
  options: {
    '-s -stats -statistics': 'flag',
    '-d -details': 'flag',
    '-r -raw': 'flag',
    '-p -pretty': 'flag',
    '-g -graph': 'flag',
    '-i -iec': 'flag',
    '-j -json': 'flag',
    '-o -oneline': 'flag',
    '-color': 'flag',
    '-n -netns': 'name',
    '-V -Version': 'flag',
  },
  subcommands: {
    // qdisc verbs: add change replace link delete list/show/lst: `l` and `li` are `link`.
    'qdisc qdis qdi qd q': { operands: [], subcommands: { 'show sho sh s list lis lst ls': TC_SHOW } },
    // class and filter verbs: add change replace delete [get] list/show/lst.
    'class clas cla cl c': { operands: [], subcommands: { [LIST_SHOW]: TC_SHOW } },
    'filter filte filt fil fi f': { operands: [], subcommands: { [LIST_SHOW]: TC_SHOW } },
  },
  // Not declared: actions, chain, monitor, exec (runs eBPF tooling), every changing verb.
};

const BRIDGE_SHOW = 'show sho sh list lis li l lst ls';

const BRIDGE: ToolGrammar = {
  program: 'bridge',
  syntax: 'words',
  stdin: 'ignore',
  types: { ifname: IFNAME },
  // -help, -Version, -stats, -details, -oneline, -timestamp, -family, -4/-6, -netns, -color and
  // -compressvlans (both flags; their order differs between versions), -force, -json, -pretty, -batch.
  options: {
    '-s -stats -statistics': 'flag',
    '-d -details': 'flag',
    '-o -oneline': 'flag',
    '-j -json': 'flag',
    '-p -pretty': 'flag',
    '-c -color -compressvlans': 'flag',
    '-4 -6': 'flag',
    '-n -netns': 'name',
    '-V -Version': 'flag',
  },
  subcommands: {
    // `bridge link s` is `set`; show spellings without `s` everywhere to stay on the safe side.
    'link lin li l': {
      operands: [],
      subcommands: { [BRIDGE_SHOW]: { options: { dev: 'ifname', master: 'ifname' }, operands: [] } },
    },
    'fdb fd f': {
      operands: [],
      subcommands: {
        [BRIDGE_SHOW]: {
          options: { 'br brport dev': 'ifname', vlan: 'uint', state: 'name', dynamic: 'flag' },
          operands: [],
        },
      },
    },
    'mdb md m': {
      operands: [],
      subcommands: { [BRIDGE_SHOW]: { options: { dev: 'ifname' }, operands: [] } },
    },
    'vlan vla vl v': {
      operands: [],
      subcommands: { [BRIDGE_SHOW]: { options: { dev: 'ifname', vid: 'uint' }, operands: [] } },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Sockets and interfaces

const SS: ToolGrammar = {
  program: 'ss',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    'ss-family': /^(?:inet|inet6|link|unix|netlink|vsock|tipc|xdp)$/,
    'ss-query':
      /^(?:all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp)(?:,(?:all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp))*$/,
    /**
     * Filter words: `state established`, `'( dport = :443 or sport = :https )'`, `dst 10.0.0.1/8`.
     * ss joins them into one expression that only selects sockets; the words are restricted to
     * keywords, operators, addresses and ports.
     */
    'ss-filter': /^[A-Za-z0-9_.:/[\]*%@,()!&|<>= -]{1,512}$/,
  },
  // optstring "dhalBetuwxnro460spTbEf:mMiA:D:F:vVzZN:KHQSO". Not declared: -K/--kill (closes
  // sockets), -D/--diag (writes a file), -F/--filter (reads a file), -E/--events (never ends).
  options: {
    '-n --numeric -r --resolve -a --all -l --listening -o --options -e --extended': 'flag',
    '-m --memory -p --processes -T --threads -i --info -s --summary -b --bpf': 'flag',
    '-Z --context -z --contexts -H --no-header -O --oneline -Q --no-queues -B --bound-inactive': 'flag',
    '-4 --ipv4 -6 --ipv6 -0 --packet -t --tcp -M --mptcp -S --sctp -u --udp -d --dccp -w --raw -x --unix':
      'flag',
    '--vsock --tipc --xdp --tos --cgroup --tipcinfo --inet-sockopt -v -V --version': 'flag',
    '-f --family': 'ss-family',
    '-A --query --socket': 'ss-query',
    '-N --net': 'name',
  },
  operands: ['ss-filter*'],
};

const NETSTAT: ToolGrammar = {
  program: 'netstat',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    'netstat-af': /^(?:inet|inet6|unix|ipx|ax25|netrom|ddp|x25|rose|bluetooth)(?:,(?:inet|inet6|unix))*$/,
  },
  // net-tools optstring "A:CFMacdeghilnNoprsStuUvVWw2fx64?Z". -c (--continuous) never ends: not declared.
  options: {
    '-a --all -l --listening -n --numeric --numeric-hosts --numeric-ports --numeric-users': 'flag',
    '-N --symbolic -e --extend -p --programs -o --timers -v --verbose -W --wide -Z --context': 'flag',
    '-t --tcp -u --udp -U --udplite -S --sctp -w --raw -x --unix -4 -6 --inet --inet6': 'flag',
    '-r --route -i --interfaces -g --groups -s --statistics -M --masquerade -F --fib -C --cache': 'flag',
    '-V --version': 'flag',
    '-A --protocol': 'netstat-af',
  },
  operands: [],
};

const ARP: ToolGrammar = {
  program: 'arp',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    'arp-hw': /^(?:ether|inet|inet6|ax25|netrom|rose|arcnet|fddi|hippi|irda|x25|eui64|infiniband)$/,
  },
  // Display only: -d/--delete, -s/--set, -f/--file and -D/--use-device are not declared.
  options: {
    '-a --all -e -n --numeric -v --verbose -N --symbolic': 'flag',
    '-i --device': 'iface',
    '-H --hw-type': 'arp-hw',
    '-A -p --protocol': 'arp-hw',
    '-V --version': 'flag',
  },
  operands: ['dns-name?'],
};

const ROUTE: ToolGrammar = {
  program: 'route',
  syntax: 'gnu',
  stdin: 'ignore',
  // Listing only: `route add|del|flush …` are operands, and route takes none here.
  options: {
    '-n --numeric -e --extend -v --verbose -F --fib -C --cache -N --symbolic -4 -6 --inet --inet6': 'flag',
    '-A': ['inet', 'inet6'],
    '-V --version': 'flag',
  },
  operands: [],
};

/** ifconfig reads its options up to the interface; every word after it changes the interface. */
const IFCONFIG: ToolGrammar = {
  program: 'ifconfig',
  syntax: 'posix',
  stdin: 'ignore',
  options: { '-a -s -v': 'flag' },
  operands: ['iface?'],
};

const ETHTOOL: ToolGrammar = {
  program: 'ethtool',
  syntax: 'words',
  stdin: 'ignore',
  types: { ifname: IFNAME },
  // The show modes: each is a whole word followed by the device. Not declared: -s/-K/-G/-A/-C/-L/-E
  // (change settings), -f/--flash, -r (renegotiate), -t (offline self-test drops the link), -p
  // (blinks the port), -e/-d (raw dumps), --cable-test, --reset, every --set-*.
  options: {
    '--json -I --include-statistics': 'flag',
    '-i --driver -S --statistics --phy-statistics -k --show-features --show-offload': 'flag',
    '-g --show-ring -a --show-pause -c --show-coalesce -l --show-channels': 'flag',
    '-T --show-time-stamping -P --show-permaddr -m --dump-module-eeprom --module-info': 'flag',
    '--show-fec --show-eee --show-priv-flags -x --show-rxfh-indir --show-rxfh': 'flag',
  },
  operands: ['ifname'],
};

// ---------------------------------------------------------------------------------------------
// Firewall and connection tracking

const NFT_FAMILY = 'nft-family?';
const NFT: ToolGrammar = {
  program: 'nft',
  // OPTSTRING "+hvVcf:iI:jnsNSd:aeuypTt": parsing stops at the first command word, and nft joins the
  // remaining words into one script. Every word after `list` is therefore a strict keyword or an
  // identifier without spaces, `;`, `#` or braces, so no second command can be spliced in.
  syntax: 'posix',
  stdin: 'ignore',
  types: {
    'nft-family': /^(?:ip|ip6|inet|arp|bridge|netdev)$/,
    'nft-name': /^[A-Za-z_.][A-Za-z0-9_./-]{0,63}$/,
  },
  // Not declared: -f/--file, -i/--interactive, -I/--includepath, -D/--define, -o/--optimize,
  // -e/--echo, -d/--debug; and every verb but list (add, delete, flush, insert, replace, reset —
  // reset zeroes counters — create, rename, import, export, monitor).
  options: {
    '-a --handle -n --numeric -j --json -s --stateless -t --terse -N --reversedns -S --service': 'flag',
    '-y --numeric-priority -p --numeric-protocol -T --numeric-time -u --guid -c --check': 'flag',
    '-v --version -V': 'flag',
  },
  subcommands: {
    list: {
      subcommands: {
        'ruleset tables chains sets maps counters quotas limits flowtables meters hooks secmarks synproxys': {
          operands: [NFT_FAMILY],
        },
        table: { operands: [NFT_FAMILY, 'nft-name'] },
        'chain set map counter quota limit flowtable meter': {
          operands: [NFT_FAMILY, 'nft-name', 'nft-name'],
        },
      },
    },
  },
};

const IPT_TABLE = ['filter', 'nat', 'mangle', 'raw', 'security'];

const IPTABLES: ToolGrammar = {
  program: 'iptables ip6tables iptables-nft ip6tables-nft iptables-legacy ip6tables-legacy',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { chain: /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,28}$/ },
  // -L/-S take an optional chain (attached, or the next word that does not start with `-`); the
  // operand below is that chain. Not declared: -A -C -D -I -R -F -Z (zeroes counters, also with -L)
  // -N -X -P -E, --modprobe (runs a program), -W.
  options: {
    '-L --list -S --list-rules': '[chain]',
    '-n --numeric -v --verbose -x --exact --line-numbers -V --version': 'flag',
    '-t --table': IPT_TABLE,
    '-w --wait': '[uint]',
  },
  operands: ['chain?'],
  requires: ['-L --list -S --list-rules'],
};

const IPTABLES_SAVE: ToolGrammar = {
  program:
    'iptables-save ip6tables-save iptables-nft-save ip6tables-nft-save iptables-legacy-save ip6tables-legacy-save',
  syntax: 'gnu',
  stdin: 'ignore',
  // Not declared: -f/--file (writes the dump to a file), -M/--modprobe (runs a program).
  options: { '-t --table': IPT_TABLE, '-c --counters -V --version': 'flag' },
  operands: [],
};

const CONNTRACK: ToolGrammar = {
  program: 'conntrack',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    'ct-table': /^(?:conntrack|expect|dying|unconfirmed)$/,
    'ct-proto': /^(?:tcp|udp|udplite|icmp|icmpv6|sctp|dccp|gre|\d{1,3})$/,
    'ct-output':
      /^(?:extended|xml|timestamp|id|ktimestamp|labels|save|userspace)(?:,(?:extended|xml|timestamp|id|ktimestamp|labels|save|userspace))*$/,
    'ct-state':
      /^(?:NONE|SYN_SENT|SYN_RECV|ESTABLISHED|FIN_WAIT|CLOSE_WAIT|LAST_ACK|TIME_WAIT|CLOSE|LISTEN|SYN_SENT2)$/,
    'ct-status':
      /^(?:ASSURED|SEEN_REPLY|UNSET|FIXED_TIMEOUT|EXPECTED|UNREPLIED|OFFLOAD|HW_OFFLOAD)(?:,(?:ASSURED|SEEN_REPLY|UNSET|FIXED_TIMEOUT|EXPECTED|UNREPLIED|OFFLOAD|HW_OFFLOAD))*$/,
    'ct-mark': /^(?:\d{1,10}|0x[0-9a-fA-F]{1,8})(?:\/(?:\d{1,10}|0x[0-9a-fA-F]{1,8}))?$/,
  },
  // optstring ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):".
  // -L/-C/-G take an optional table (attached, or the next word): the operand. Not declared:
  // -z/--zero (zeroes counters while listing), -D -F -U -I -A -R (change or load the table),
  // -E (event stream), -t (a timeout setter), -n/-g/-j (optional NAT values).
  options: {
    '-L --dump -C --count -G --get': '[ct-table]',
    '-S --stats -V --version': 'flag',
    '-p --protonum': 'ct-proto',
    '-s --src --orig-src -d --dst --orig-dst -r --reply-src -q --reply-dst': 'cidr',
    '-f --family': ['ipv4', 'ipv6'],
    '-o --output': 'ct-output',
    '-m --mark': 'ct-mark',
    '-u --status': 'ct-status',
    '-w --zone --orig-zone --reply-zone': 'uint',
    '--state': 'ct-state',
    '--sport --orig-port-src --dport --orig-port-dst --reply-port-src --reply-port-dst': 'port',
  },
  operands: ['ct-table?'],
  requires: ['-L --dump -C --count -G --get -S --stats'],
};

// ---------------------------------------------------------------------------------------------
// Reachability

const PING: ToolGrammar = {
  program: 'ping ping6',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { 'ping-count': /^[1-9]\d{0,4}$/, interval: INTERVAL, 'ping-size': /^\d{1,5}$/ },
  // iputils optstring "h46bRT:F:N:aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:". Bounded by -c or -w.
  // Not declared: -f (flood), -l (preload burst), -A (adaptive), -b (broadcast), -p (pattern),
  // -R/-T (IP options), -m/-Q/-e/-F/-N, -S.
  options: {
    '-c': 'ping-count',
    '-i': 'interval',
    '-W -w': 'number',
    '-s': 'ping-size',
    '-t': 'uint',
    '-I': 'iface',
    '-M': ['do', 'dont', 'want'],
    '-4 -6 -q -n -D -O -U -v -a -B -V': 'flag',
  },
  operands: ['host'],
  requires: ['-c -w'],
};

const TRACEROUTE: ToolGrammar = {
  program: 'traceroute traceroute6',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { 'trace-wait': /^\d{1,3}(?:\.\d{1,3})?(?:,\d{1,3}(?:\.\d{1,3})?){0,2}$/ },
  // Short spellings of the valued options only (long ones are `--opt=value` in traceroute's own
  // parser). Not declared: -A (AS lookups at outside registries), -M/-O (modules), -g (source
  // routing), -P (raw protocol), -r, -d, --fwmark.
  options: {
    '-n -I --icmp -T --tcp -U --udp -4 -6 -F --dont-fragment -e --extensions --mtu --back -V --version':
      'flag',
    '-m -f -q -N -t': 'uint',
    '-w': 'trace-wait',
    '-z': 'number',
    '-p': 'port',
    '-i': 'iface',
    '-s': 'ip',
  },
  operands: ['host', 'uint?'],
};

const TRACEPATH: ToolGrammar = {
  program: 'tracepath tracepath6',
  syntax: 'gnu',
  stdin: 'ignore',
  options: { '-4 -6 -n -b -V': 'flag', '-l -m': 'uint', '-p': 'port' },
  operands: ['host'],
};

const MTR: ToolGrammar = {
  program: 'mtr',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { interval: INTERVAL, 'mtr-order': /^[LDRSNBAWVGJMXI ]{1,32}$/ },
  // Without a report mode mtr is a curses UI that never ends: one of them is required. Not declared:
  // -t/--curses, --displaymode, -l/--raw and -p/--split (stream), -F/--filename (reads a file),
  // -y/--ipinfo and -z/--aslookup (ask outside servers), -B/--bitpattern, -M/--mark.
  options: {
    '-r --report -w --report-wide -j --json -x --xml -C --csv': 'flag',
    '-n --no-dns -b --show-ips -e --mpls -4 -6 -u --udp -T --tcp -v --version': 'flag',
    '-c --report-cycles -m --max-ttl -f --first-ttl -U --max-unknown -s --psize -G --gracetime -Z --timeout -Q --tos':
      'uint',
    '-i --interval': 'interval',
    '-P --port -L --localport': 'port',
    '-I --interface': 'iface',
    '-a --address': 'ip',
    '-o --order': 'mtr-order',
  },
  operands: ['host'],
  requires: ['-r --report -w --report-wide -j --json -x --xml -C --csv'],
};

/** Port checks only: -z connects and closes without sending anything. */
const NC: ToolGrammar = {
  program: 'nc ncat netcat',
  syntax: 'gnu',
  stdin: 'refuse',
  types: { 'nc-port': /^(?:\d{1,5}(?:-\d{1,5})?|[a-z][a-z0-9-]{0,30})$/ },
  // Not declared: -e/-c (run a program), -l (listen), -x/-X (proxy), -s/-p (source), -U (sockets),
  // -k, -i, -q, -N, -T, -O/-I.
  options: { '-z': 'flag', '-v -u -4 -6 -n': 'flag', '-w': 'uint' },
  operands: ['host', 'nc-port+'],
  requires: ['-z'],
};

// ---------------------------------------------------------------------------------------------
// DNS

const DIG_ARG = anchored(
  [
    // @server: only a loopback literal, since a local type cannot consult policy.internalHosts.
    '@(?:localhost|127(?:\\.\\d{1,3}){3}|::1)',
    // +options that only shape the query and the output. Not declared: +trace and +nssearch (they
    // ask outside servers themselves), +tls/+https and their file options, +sigchase, +trusted-key.
    '\\+(?:no)?(?:aaflag|aaonly|additional|adflag|all|answer|authority|besteffort|cdflag|class|cmd|comments|cookie|crypto|defname|dnssec|edns|expire|fail|identify|idnin|idnout|keepalive|keepopen|multiline|nsid|onesoa|qr|question|raflag|recurse|rrcomments|search|short|showsearch|stats|tcflag|tcp|ttlid|ttlunits|vc|yaml)',
    '\\+(?:bufsize|edns|ndots|retry|time|tries|split)=\\d{1,5}',
    '\\+subnet=[0-9A-Fa-f:.]{1,45}(?:/\\d{1,3})?',
    DNS_TYPES,
    DNS_CLASSES,
    '\\.',
    // A word dig reads as a type is a type: zone transfers (AXFR, IXFR, TYPE252…) are not declared.
    // Query types and classes; the name itself is a dns-name (outside names wait for a human).
    `(?!(?:axfr|ixfr|type\\d+|class\\d+)\\.?$)(?:${DNS_TYPES}|${DNS_CLASSES})`,
  ].join('|'),
  'i',
);

const DIG: ToolGrammar = {
  program: 'dig',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { 'dig-arg': DIG_ARG, 'dns-type': DNS_TYPE, 'dns-class': DNS_CLASS },
  // Not declared: -f (batch file), -k (TSIG key file), -y (key on the command line), -b (source
  // address), -m (memory debugging), -i/-d (obsolete).
  options: {
    '-4 -6 -r -u -v': 'flag',
    '-t': 'dns-type',
    '-c': 'dns-class',
    '-q': 'domain',
    '-x': 'ip',
    '-p': 'port',
  },
  operands: ['dig-arg*', 'dns-name?', 'dig-arg*'],
};

const HOST: ToolGrammar = {
  program: 'host',
  // isc_commandline_parse stops at the first operand: `host NAME [SERVER]`.
  syntax: 'posix',
  stdin: 'ignore',
  types: { 'dns-type': DNS_TYPE, 'dns-class': DNS_CLASS },
  // optstring "46aAc:dilnm:p:rst:vVwCDN:R:TUW:". Not declared: -l (zone transfer), -C (asks every
  // authoritative server), -m (memory debugging), -w (waits forever), -i/-n/-D.
  options: {
    '-4 -6 -a -A -d -v -r -s -T -U -V': 'flag',
    '-t': 'dns-type',
    '-c': 'dns-class',
    '-W -R -N': 'uint',
    '-p': 'port',
  },
  operands: ['dns-name', 'host?'],
};

/**
 * nslookup NAME [SERVER] with `-set` style options (`-type=mx`). The options carry `=`, so they are
 * typed operands of a `words` grammar; nslookup without a name (or with `-`) is interactive.
 */
const NSLOOKUP: ToolGrammar = {
  program: 'nslookup',
  syntax: 'words',
  stdin: 'refuse',
  types: {
    'nslookup-opt': anchored(
      [
        `-(?:type|ty|querytype|query|q)=(?:${DNS_TYPES})`,
        `-(?:class|cl)=(?:${DNS_CLASSES})`,
        '-(?:timeout|retry|ret|port|po|ndots)=\\d{1,5}',
        `-(?:domain|do)=${HOST_NAME}`,
        '-(?:no)?(?:debug|d2|vc|recurse|rec|search|sea|defname|def|fail)',
      ].join('|'),
      'i',
    ),
  },
  operands: ['nslookup-opt*', 'dns-name', 'nslookup-opt*', 'host?', 'nslookup-opt*'],
};

const DNS_OPTIONS = {
  '-4 -6 --no-pager': 'flag',
  '-i --interface': 'iface',
  '-t --type': 'dns-type',
  '-c --class': 'dns-class',
  '-p --protocol': ['dns', 'llmnr', 'llmnr-ipv4', 'llmnr-ipv6', 'mdns', 'mdns-ipv4', 'mdns-ipv6'],
  '--legend --cache --cname --validate --synthesize --search --zone --trust-anchor --network': BOOL,
  '--service-address --service-txt': BOOL,
} as const;

/** Link settings read without a value; with one they set it, so only the link may follow. */
const RESOLVECTL_LINK_READ: CommandNode = { operands: ['iface?'] };

const RESOLVECTL: ToolGrammar = {
  program: 'resolvectl',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { 'dns-type': DNS_TYPE, 'dns-class': DNS_CLASS },
  options: { ...DNS_OPTIONS, '-j': 'flag', '--json': ['pretty', 'short', 'off'] },
  operands: [],
  // Not declared: flush-caches, reset-statistics, reset-server-features, revert, monitor, and
  // --raw (binary dump).
  subcommands: {
    status: { operands: ['iface*'] },
    statistics: { operands: [] },
    'show-cache show-server-state': { operands: [] },
    'log-level': { operands: [] },
    query: { operands: ['dns-name+'] },
    'dns domain default-route llmnr mdns dnsovertls dnssec nta': RESOLVECTL_LINK_READ,
  },
};

const SYSTEMD_RESOLVE: ToolGrammar = {
  program: 'systemd-resolve',
  syntax: 'gnu',
  stdin: 'ignore',
  types: { 'dns-type': DNS_TYPE, 'dns-class': DNS_CLASS },
  // The compatibility front end: queries, --status, --statistics. Not declared: --flush-caches,
  // --reset-statistics, --reset-server-features, --set-*, --revert.
  options: { ...DNS_OPTIONS, '--status --statistics': 'flag' },
  operands: ['dns-name*'],
};

// ---------------------------------------------------------------------------------------------
// HTTP

const CURL: ToolGrammar = {
  program: 'curl',
  syntax: 'gnu',
  stdin: 'refuse',
  types: {
    /** -w: a format; `@file` reads the format from a file and `%output{}` writes to one. */
    'write-out': /^(?![@])(?![\s\S]*%output)[^\0]{0,512}$/i,
    /** -H: a header line; `@file` reads headers from a file. */
    header: /^(?![@])[^\0\r\n]{1,1024}$/,
    'byte-range': /^\d{0,18}-\d{0,18}(?:,\d{0,18}-\d{0,18})*$/,
  },
  // Not declared (each changes, sends, writes or re-points): -d/--data*/--json/-F/--form/-T/
  // --upload-file, -K/--config, -u/--user and other credentials, -x/--proxy, --unix-socket,
  // --abstract-unix-socket, -O/--remote-name, -o to a file, -L/--location (redirects to any host),
  // -b/--cookie, -c/--cookie-jar, -E/--cert, --key, --resolve/--connect-to/--dns-servers/--doh-url,
  // --trace*/--stderr/--libcurl/--etag-*/--hsts/--alt-svc (files), --variable/--expand-* (read
  // files), -:/--next (a second transfer), -n/--netrc (credentials).
  options: {
    '-s --silent -S --show-error -f --fail --fail-with-body --fail-early -i --include -I --head': 'flag',
    '-v --verbose -k --insecure -g --globoff --compressed -N --no-buffer --no-keepalive': 'flag',
    '--no-progress-meter --path-as-is --raw --tcp-nodelay --trace-time -q --disable -V --version': 'flag',
    '-0 --http1.0 --http1.1 --http2 --http2-prior-knowledge -4 --ipv4 -6 --ipv6': 'flag',
    '-1 --tlsv1 --tlsv1.0 --tlsv1.1 --tlsv1.2 --tlsv1.3 --retry-connrefused --retry-all-errors': 'flag',
    '-m --max-time --connect-timeout': 'number',
    '--retry --retry-delay --retry-max-time': 'uint',
    '--max-filesize': 'size',
    '-w --write-out': 'write-out',
    '-o --output': ['/dev/null', '-'],
    '-D --dump-header': ['-', '/dev/null'],
    '-H --header': 'header',
    '-X --request': ['GET', 'HEAD'],
    '-A --user-agent -e --referer': 'text',
    '-r --range': 'byte-range',
    '--cacert': 'path',
    '--url': 'url',
  },
  operands: ['url*'],
};

const WGET: ToolGrammar = {
  program: 'wget',
  syntax: 'gnu',
  stdin: 'refuse',
  // Only to standard output (-O -, -qO-) or a --spider check. Not declared: -O FILE, -o/-a (log
  // files), -P, -r/-m/-p/-x/-N/-c/-b (save trees, files, background log), -i/--input-file,
  // -e/--execute and --config (wgetrc commands), --post-*/--body-*, --method other than GET/HEAD,
  // credentials, --load-cookies/--save-cookies, --use-askpass.
  options: {
    '-q --quiet -v --verbose --no-verbose -S --server-response --spider -d --debug -V --version': 'flag',
    '--no-check-certificate -4 --inet4-only -6 --inet6-only --no-proxy --https-only': 'flag',
    '--content-on-error --save-headers --no-hsts --no-dns-cache --no-cache --no-cookies': 'flag',
    '-n': ['v'],
    '-O --output-document': ['-', '/dev/null'],
    '-T --timeout --connect-timeout --read-timeout --dns-timeout -w --wait': 'number',
    // wget follows redirects (GET only, sending nothing local) to any host: a residual risk of
    // docs/command-policy.md; --max-redirect=0 turns it off.
    '-t --tries --waitretry --max-redirect': 'uint',
    '-U --user-agent --header': 'text',
    '--method': ['GET', 'HEAD'],
    '--compression': ['auto', 'gzip', 'none'],
    '--ca-certificate': 'path',
  },
  operands: ['url+'],
  requires: ['-O --output-document --spider'],
};

// ---------------------------------------------------------------------------------------------
// TLS

const OPENSSL: ToolGrammar = {
  program: 'openssl',
  syntax: 'words',
  // s_client sends its standard input to the server (`</dev/null` is fine); x509 reads it as data.
  stdin: 'refuse',
  types: {
    'x509-ext': /^[A-Za-z0-9_,]{1,256}$/,
    'x509-nameopt': /^[A-Za-z0-9_,-]{1,128}$/,
    'starttls-proto': /^(?:smtp|pop3|imap|ftp|xmpp|xmpp-server|irc|postgres|mysql|lmtp|nntp|sieve|ldap)$/,
    alpn: /^[A-Za-z0-9_.,/-]{1,128}$/,
  },
  subcommands: {
    // Not declared: -ign_eof (holds the connection open after stdin ends), -proxy, -keylogfile,
    // -sess_out/-sess_in, -msgfile, -cert/-key/-pass (client credentials), -engine/-provider/
    // -provider-path (load code), -rand/-writerand, -ssl_config, -crl_download (fetches from the
    // distribution points named in the certificate).
    s_client: {
      options: {
        '-connect': 'hostport',
        '-servername -verify_hostname': 'domain',
        '-showcerts -brief -quiet -status -state -msg -debug -prexit -no_ign_eof -crlf': 'flag',
        '-tls1_2 -tls1_3 -no_tls1_3 -verify_return_error -4 -6 -no_ticket -no_ssl3 -no_tls1 -no_tls1_1':
          'flag',
        '-CAfile': 'path',
        '-verify -verify_depth': 'uint',
        '-starttls': 'starttls-proto',
        '-alpn': 'alpn',
      },
      operands: ['hostport?'],
    },
    // Not declared: -out, -signkey/-key/-CA/-CAkey/-req/-set_serial/-days (sign), -passin, -engine,
    // -extfile, -new.
    // A certificate piped from s_client (`… </dev/null | openssl x509 -noout -dates`) is data.
    x509: {
      stdin: 'data',
      options: {
        '-in': 'path',
        '-inform': ['PEM', 'DER', 'pem', 'der'],
        '-noout -text -dates -enddate -startdate -subject -issuer -fingerprint -serial -purpose -email':
          'flag',
        '-ocsp_uri -hash -subject_hash -issuer_hash -pubkey -modulus -alias': 'flag',
        '-sha1 -sha256 -sha384 -sha512 -md5': 'flag',
        '-ext': 'x509-ext',
        '-nameopt': 'x509-nameopt',
        '-checkend': 'uint',
      },
      operands: [],
    },
    version: { options: { '-a -v -b -o -f -p -d -e -m -r -c': 'flag' }, operands: [] },
  },
};

// ---------------------------------------------------------------------------------------------
// NetworkManager

const NMCLI: ToolGrammar = {
  program: 'nmcli',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    'nm-fields': /^[A-Za-z0-9_.,:-]{1,256}$/,
    /** A connection id, uuid, path or the words id/uuid/path/apath; names may hold spaces. */
    'nm-connection': /^[A-Za-z0-9_.:@+/][A-Za-z0-9_.:@+/ -]{0,127}$/,
  },
  // Global options before the object, read by prefix in order -overview -terse -pretty -mode
  // -colors -escape -fields -get-values -nocheck [-ask -show-secrets in older releases] -wait
  // -version [-offline] -help. Not declared: -s/--show-secrets, -a/--ask, -w/--wait, --offline
  // (reads a connection from stdin).
  options: {
    '-t --terse -p --pretty -v --version -o --overview': 'flag',
    '-m --mode': ['tabular', 'multiline'],
    '-c --colors': ['auto', 'yes', 'no'],
    '-e --escape': ['yes', 'no'],
    '-f --fields -g --get-values': 'nm-fields',
  },
  operands: [],
  subcommands: {
    // general: status hostname permissions logging reload. hostname/logging with a value set it.
    'general genera gener gene gen ge g': {
      operands: [],
      subcommands: {
        'status statu stat sta st s': { operands: [] },
        'permissions permission permissio permissi permiss permis permi perm per pe p': { operands: [] },
        'hostname hostnam hostna hostn host hos ho h': { operands: [] },
        'logging loggin loggi logg log lo l': { operands: [] },
      },
    },
    // device: checkpoint connect disconnect delete down lldp monitor modify reapply status set show
    // up wifi. `s` is status, `se` is set, `sh` is show.
    'device devic devi dev de d': {
      operands: [],
      subcommands: {
        'status statu stat sta st s': { operands: [] },
        'show sho sh': { operands: ['iface?'] },
      },
    },
    // connection: show up down add edit delete reload load modify clone import export monitor.
    // `connection show --show-secrets` (or `-s` there) prints secrets: not declared.
    'connection connectio connecti connect connec conne conn con co c': {
      operands: [],
      subcommands: {
        'show sho sh s': { options: { '-a --active': 'flag' }, operands: ['nm-connection*'] },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Packet capture

const TCPDUMP: ToolGrammar = {
  program: 'tcpdump',
  syntax: 'gnu',
  stdin: 'ignore',
  types: {
    /** BPF filter words: keywords, addresses, ports, operators, `tcp[13] & 2 != 0`. */
    bpf: /^[A-Za-z0-9_.:/[\]&|!<>=()+*%^ -]{1,512}$/,
    snaplen: /^\d{1,6}$/,
  },
  // Bounded by -c (or reads a file, or only lists interfaces). Not declared: -w (writes a capture),
  // -z (runs a command after rotation), -Z, -C/-G/-W (rotation), -F (filter file), -V (file list),
  // -E (ESP secrets), -M (TCP-MD5 secret), -I (monitor mode changes the interface), -y/-j/-B.
  options: {
    '-c': 'uint',
    '-i --interface': 'iface',
    '-s --snapshot-length': 'snaplen',
    '-Q --direction': ['in', 'out', 'inout'],
    '-r': 'path',
    // Not -A/-X/-x/-XX: payloads carry plaintext credentials (database, Redis, HTTP).
    '-n -N -v -e -l -q -t -S -K --dont-verify-checksums -O --no-optimize -p --no-promiscuous-mode': 'flag',
    '-u -U --packet-buffered --number --immediate-mode -D --list-interfaces -L --list-data-link-types':
      'flag',
    '--version': 'flag',
  },
  operands: ['bpf*'],
  requires: ['-c -r -D --list-interfaces -L --list-data-link-types --version'],
};

export const NETWORK: readonly ToolGrammar[] = [
  SS,
  NETSTAT,
  IP,
  TC,
  BRIDGE,
  ARP,
  ROUTE,
  IFCONFIG,
  ETHTOOL,
  NFT,
  IPTABLES,
  IPTABLES_SAVE,
  CONNTRACK,
  PING,
  TRACEROUTE,
  TRACEPATH,
  MTR,
  NC,
  DIG,
  HOST,
  NSLOOKUP,
  RESOLVECTL,
  SYSTEMD_RESOLVE,
  CURL,
  WGET,
  OPENSSL,
  NMCLI,
  TCPDUMP,
];
