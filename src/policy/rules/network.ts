import { parseArgs } from '../args.js';
import { isSink } from '../paths.js';
import { change, deny, destroy, type ProgramRule, read, show } from '../verdict.js';
import { readUnless } from './helpers.js';

/** Network inspection, HTTP clients and firewalls. */

const CURL_VALUE = [
  '-A',
  '-b',
  '-c',
  '-C',
  '-d',
  '-D',
  '-e',
  '-E',
  '-F',
  '-H',
  '-K',
  '-m',
  '-o',
  '-P',
  '-Q',
  '-r',
  '-T',
  '-t',
  '-u',
  '-U',
  '-w',
  '-x',
  '-X',
  '-y',
  '-Y',
  '-z',
  '--user-agent',
  '--cookie',
  '--cookie-jar',
  '--continue-at',
  '--data',
  '--data-ascii',
  '--data-binary',
  '--data-raw',
  '--data-urlencode',
  '--dump-header',
  '--referer',
  '--cert',
  '--form',
  '--form-string',
  '--header',
  '--config',
  '--max-time',
  '--output',
  '--output-dir',
  '--ftp-port',
  '--quote',
  '--range',
  '--upload-file',
  '--telnet-option',
  '--user',
  '--proxy-user',
  '--write-out',
  '--proxy',
  '--request',
  '--speed-limit',
  '--speed-time',
  '--time-cond',
  '--connect-timeout',
  '--resolve',
  '--cacert',
  '--capath',
  '--key',
  '--json',
  '--trace',
  '--trace-ascii',
  '--stderr',
  '--libcurl',
  '--unix-socket',
  '--retry',
  '--retry-delay',
  '--retry-max-time',
  '--max-filesize',
  '--interface',
  '--url',
  '--variable',
  '--expand-url',
  '--etag-save',
  '--hsts',
  '--alt-svc',
];

const CURL_WRITES = [
  '-O',
  '--remote-name',
  '--remote-name-all',
  '-J',
  '--remote-header-name',
  '--output-dir',
  '--create-dirs',
  '--libcurl',
  '--etag-save',
  '--hsts',
  '--alt-svc',
];
const CURL_SENDS = [
  '-d',
  '--data',
  '--data-ascii',
  '--data-binary',
  '--data-raw',
  '--data-urlencode',
  '-F',
  '--form',
  '--form-string',
  '-T',
  '--upload-file',
  '--json',
  '-Q',
  '--quote',
  '--mail-from',
  '--mail-rcpt',
  '-P',
  '--ftp-port',
];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** curl is read-only for GET/HEAD to http(s) that prints to stdout; anything that sends or saves is a change. */
const curl: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: CURL_VALUE });
  if (args.has('-K', '--config')) return change('curl -K reads options from a file the policy cannot see');
  if (args.has(...CURL_SENDS)) return change('curl sends data to the server');
  const method = args.values('-X', '--request')[0];
  if (method !== undefined && !SAFE_METHODS.has(method.toUpperCase()))
    return change(`curl -X ${method} changes state on the server`);
  if (args.has(...CURL_WRITES)) return change('curl saves what it downloads to a file');
  const files = args.values(
    '-o',
    '--output',
    '-D',
    '--dump-header',
    '-c',
    '--cookie-jar',
    '--trace',
    '--trace-ascii',
    '--stderr',
  );
  const written = files.find((f) => f !== '-' && !isSink(f));
  if (written !== undefined) return change(`curl writes ${show(written)}`);
  const urls = [...args.operands, ...args.values('--url')];
  const odd = urls.find((u) => /^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^(https?|file):\/\//i.test(u));
  if (odd !== undefined) return change(`curl to ${show(odd)} speaks a protocol that can change state`);
  return read('curl GET only reads');
};

const wget: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-O',
      '--output-document',
      '-o',
      '--output-file',
      '-a',
      '--append-output',
      '-P',
      '--directory-prefix',
      '-i',
      '--input-file',
      '-T',
      '--timeout',
      '-t',
      '--tries',
      '-U',
      '--user-agent',
      '--header',
      '--post-data',
      '--post-file',
      '--method',
      '--body-data',
      '--body-file',
      '-e',
      '--execute',
      '--user',
      '--password',
      '-w',
      '--wait',
      '-l',
      '--level',
    ],
  });
  if (args.has('--post-data', '--post-file', '--body-data', '--body-file'))
    return change('wget sends data to the server');
  const method = args.values('--method')[0];
  if (method !== undefined && !SAFE_METHODS.has(method.toUpperCase()))
    return change(`wget --method ${method} changes state on the server`);
  if (args.has('-e', '--execute')) return change('wget -e runs wgetrc commands');
  if (args.has('-o', '--output-file', '-a', '--append-output')) return change('wget writes a log file');
  if (args.has('--spider')) return read('wget --spider only checks');
  const output = args.values('-O', '--output-document')[0];
  if (output === '-' || (output !== undefined && isSink(output))) return read('wget -O - prints to stdout');
  return change('wget saves what it downloads to a file');
};

const ping: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-c', '-w', '-W', '-i', '-I', '-s', '-t', '-Q', '-p', '-l', '-M', '-m'],
  });
  if (args.has('-f')) return change('ping -f floods the network');
  if (args.has('-c', '-w')) return read('ping -c only probes');
  return change('ping without -c never ends; use ping -c N');
};

const IP_OBJECTS = [
  'address',
  'link',
  'route',
  'rule',
  'neighbour',
  'neighbor',
  'maddress',
  'tunnel',
  'netconf',
  'ntable',
  'mroute',
  'monitor',
  'tcp_metrics',
  'token',
  'vrf',
  'stats',
  'xfrm',
];
const IP_READ_VERBS = ['show', 'list', 'lst', 'ls', 'sh', 'get', 'l'];

const ip: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-f', '-family', '-n', '-netns', '-b', '-batch', '-rc', '-rcvbuf', '-l', '-loops'],
  });
  if (args.has('-b', '-batch', '-force')) return change('ip -batch runs commands from a file');
  const [object, verb, ...rest] = args.operands;
  if (object === undefined) return read('ip help');
  if ('netns'.startsWith(object) && verb === 'exec')
    return deny('hidden', 'ip netns exec runs a command in another namespace');
  if ('netns'.startsWith(object))
    return verb === undefined || IP_READ_VERBS.includes(verb) || verb === 'identify'
      ? read('ip netns list')
      : change(`ip netns ${verb}`);
  const known = IP_OBJECTS.find((o) => o.startsWith(object));
  if (known && (verb === undefined || IP_READ_VERBS.includes(verb) || verb.startsWith('-')))
    return read(`ip ${known} show only reads`);
  if (known && (known === 'route' || known === 'address') && verb === 'flush')
    return destroy(
      `ip ${known} flush ${rest.join(' ')} removes ${known === 'route' ? 'routes' : 'addresses'} and can cut the host off`.replace(
        / {2}/g,
        ' ',
      ),
    );
  return change(`ip ${object} ${verb ?? ''} changes the network configuration`.trim());
};

const ss = readUnless(['-K', '--kill'], 'kills sockets', {
  withValue: ['-f', '--family', '-A', '--query', '-F', '--filter', '-N', '--net'],
});

const simpleNet =
  (readWhen: (args: string[]) => boolean, what: string): ProgramRule =>
  (ctx) =>
    readWhen(ctx.args) ? read(`${ctx.name} only reads`) : change(`${ctx.name} ${what}`);

const IPTABLES_VALUE = [
  '-t',
  '--table',
  '-A',
  '--append',
  '-C',
  '--check',
  '-D',
  '--delete',
  '-I',
  '--insert',
  '-R',
  '--replace',
  '-L',
  '--list',
  '-S',
  '--list-rules',
  '-F',
  '--flush',
  '-Z',
  '--zero',
  '-N',
  '--new-chain',
  '-X',
  '--delete-chain',
  '-P',
  '--policy',
  '-E',
  '--rename-chain',
  '-p',
  '--protocol',
  '-s',
  '--source',
  '-d',
  '--destination',
  '-j',
  '--jump',
  '-g',
  '--goto',
  '-i',
  '--in-interface',
  '-o',
  '--out-interface',
  '-m',
  '--match',
  '--dport',
  '--sport',
  '-w',
  '--wait',
];

const iptables: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: IPTABLES_VALUE.filter(
      (o) =>
        ![
          '-L',
          '--list',
          '-S',
          '--list-rules',
          '-F',
          '--flush',
          '-Z',
          '--zero',
          '-X',
          '--delete-chain',
        ].includes(o),
    ),
  });
  if (args.has('-F', '--flush'))
    return destroy(`${ctx.name} -F deletes firewall rules and can cut the host off or open it`);
  if (args.has('-X', '--delete-chain')) return destroy(`${ctx.name} -X deletes chains`);
  const policy = args.values('-P', '--policy')[0];
  if (policy !== undefined) {
    const target = args.operands[0]?.toUpperCase();
    return target === 'DROP' || target === 'REJECT'
      ? destroy(`${ctx.name} -P ${policy} ${target} drops all traffic not explicitly allowed, including SSH`)
      : change(`${ctx.name} -P changes a chain policy`);
  }
  if (
    args.has(
      '-A',
      '--append',
      '-I',
      '--insert',
      '-D',
      '--delete',
      '-R',
      '--replace',
      '-N',
      '--new-chain',
      '-E',
      '--rename-chain',
      '-Z',
      '--zero',
    )
  )
    return change(`${ctx.name} changes firewall rules`);
  return read(`${ctx.name} only lists rules`);
};

const nft: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-f', '--file', '-I', '--includepath', '-D', '--define'] });
  if (args.has('-f', '--file', '-i', '--interactive'))
    return change('nft runs rules from a file or its input');
  const [verb, what] = args.operands;
  if (verb === 'list' || verb === 'describe' || verb === undefined) return read('nft list only reads');
  if (verb === 'flush' && (what === 'ruleset' || what === 'table' || what === 'chain'))
    return destroy(`nft flush ${what} deletes firewall rules and can cut the host off or open it`);
  if (verb === 'delete' && what === 'table') return destroy('nft delete table deletes firewall rules');
  return change(`nft ${verb} changes firewall rules`);
};

const ufw: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args);
  const verb = args.operands[0];
  if (verb === 'status' || verb === 'show' || verb === 'version' || verb === undefined)
    return read('ufw status only reads');
  if (verb === 'reset') return destroy('ufw reset deletes every firewall rule');
  return change(`ufw ${verb} changes the firewall`);
};

const firewallCmd: ProgramRule = (ctx) => {
  if (ctx.args.some((a) => a === '--panic-on'))
    return destroy('firewall-cmd --panic-on drops all traffic, including SSH');
  return ctx.args.every((a) => /^--(state|list-|get-|query-|info-|zone=|permanent$)/.test(a))
    ? read('firewall-cmd only reads')
    : change('firewall-cmd changes the firewall');
};

const openssl: ProgramRule = (ctx) => {
  const [sub, ...rest] = ctx.args;
  if ((sub === 'enc' || sub === 'base64') && rest.includes('-d'))
    return deny('hidden', 'openssl decoding hides what the payload is');
  const writes = rest.some((a) => a === '-out' || a === '-keyout' || a === '-sess_out' || a === '-msgfile');
  if (writes) return change(`openssl ${sub} writes a file`);
  const reads = [
    's_client',
    'x509',
    'version',
    'ciphers',
    'verify',
    'crl',
    'req',
    'rsa',
    'ec',
    'pkey',
    'asn1parse',
    'dgst',
    'sha256',
    'md5',
    's_time',
    'list',
    'help',
    'pkcs12',
    'storeutl',
    'ocsp',
  ];
  if (sub !== undefined && reads.includes(sub) && !rest.includes('-new'))
    return read(`openssl ${sub} only reads`);
  return change(`openssl ${sub ?? ''} may write keys or files`.trim());
};

const netcat: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-e', '-c', '--exec', '--sh-exec', '--lua-exec', '-p', '-s', '-w', '-i', '-q', '-x', '-X'],
  });
  if (args.has('-e', '-c', '--exec', '--sh-exec', '--lua-exec'))
    return deny('hidden', `${ctx.name} -e hands a shell to the network`);
  if (args.has('-z')) return read(`${ctx.name} -z only checks the port`);
  return change(`${ctx.name} opens a raw connection or listens`);
};

const tcpdump: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-c',
      '-C',
      '-G',
      '-i',
      '-r',
      '-s',
      '-w',
      '-W',
      '-z',
      '-Z',
      '-E',
      '-F',
      '-y',
      '-B',
      '-j',
      '-M',
      '-T',
      '-V',
      '--count',
      '--interface',
      '--snapshot-length',
    ],
  });
  if (args.has('-z')) return deny('hidden', 'tcpdump -z runs a command on each capture file');
  if (args.has('-w')) return change('tcpdump -w writes a capture file');
  return read('tcpdump only reads packets');
};

const mtr: ProgramRule = (ctx) =>
  ctx.args.some(
    (a) =>
      /^-\w*[rw]/.test(a) || a === '--report' || a === '--report-wide' || a === '--json' || a === '--csv',
  )
    ? read('mtr --report only probes')
    : change('interactive mtr; use mtr -r -c N');

const ethtool: ProgramRule = (ctx) => {
  const option = ctx.args.find((a) => a.startsWith('-'));
  const reads = [
    '-i',
    '--driver',
    '-S',
    '--statistics',
    '-k',
    '--show-features',
    '--show-offload',
    '-g',
    '--show-ring',
    '-a',
    '--show-pause',
    '-c',
    '--show-coalesce',
    '-l',
    '--show-channels',
    '-T',
    '--show-time-stamping',
    '-P',
    '--show-permaddr',
    '-m',
    '--dump-module-eeprom',
    '--module-info',
    '--show-eee',
    '--show-fec',
    '-d',
    '--register-dump',
    '-e',
    '--eeprom-dump',
  ];
  return option === undefined || reads.includes(option)
    ? read('ethtool only reads')
    : change('ethtool changes the interface');
};

export const NETWORK_RULES: Record<string, ProgramRule> = {
  curl,
  wget,
  ping,
  ping6: ping,
  ip,
  ss,
  netstat: (ctx) => read(`${ctx.name} only reads`),
  dig: (ctx) => read(`${ctx.name} only reads`),
  nslookup: (ctx) => read(`${ctx.name} only reads`),
  host: (ctx) => read(`${ctx.name} only reads`),
  whois: (ctx) => read(`${ctx.name} only reads`),
  traceroute: (ctx) => read(`${ctx.name} only probes`),
  traceroute6: (ctx) => read(`${ctx.name} only probes`),
  tracepath: (ctx) => read(`${ctx.name} only probes`),
  mtr,
  ifconfig: simpleNet(
    (a) => a.length === 0 || a.length === 1 || (a.length === 2 && a[0] === '-a'),
    'changes an interface',
  ),
  route: simpleNet(
    (a) => a.every((x) => x.startsWith('-') && ['-n', '-e', '-ee', '-v', '-F', '-C', '-4', '-6'].includes(x)),
    'changes routes',
  ),
  arp: simpleNet(
    (a) =>
      a.every((x) => ['-a', '-n', '-e', '-v'].includes(x) || !x.startsWith('-')) &&
      !a.some((x) => ['-d', '-s', '-f'].includes(x)),
    'changes the ARP table',
  ),
  tc: simpleNet(
    (a) => a.includes('show') || a.includes('ls') || a.includes('list'),
    'changes traffic control',
  ),
  conntrack: (ctx) =>
    ctx.args.some((a) => ['-F', '--flush'].includes(a))
      ? destroy('conntrack -F drops every tracked connection')
      : ctx.args.some((a) =>
            ['-L', '--dump', '-S', '--stats', '-C', '--count', '-G', '--get', '-E', '--event'].includes(a),
          )
        ? read('conntrack only lists')
        : change('conntrack changes tracked connections'),
  iptables,
  ip6tables: iptables,
  'iptables-legacy': iptables,
  'iptables-nft': iptables,
  'iptables-save': (ctx) => read(`${ctx.name} prints the rules`),
  'ip6tables-save': (ctx) => read(`${ctx.name} prints the rules`),
  'iptables-restore': () => change('iptables-restore replaces the firewall rules'),
  nft,
  ufw,
  'firewall-cmd': firewallCmd,
  openssl,
  nc: netcat,
  ncat: netcat,
  netcat,
  socat: () => change('socat opens raw connections'),
  tcpdump,
  ethtool,
};
