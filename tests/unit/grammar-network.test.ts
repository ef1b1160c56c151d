import { assessCommand } from '../../src/policy/assessor.js';
import { PolicyConfigSchema } from '../../src/policy/config.js';
import { checkScript } from '../../src/policy/grammar/check.js';
import type { MatchResult } from '../../src/policy/grammar/match.js';
import { grammarRegistry } from '../../src/policy/grammar/registry.js';
import { parseShell } from '../../src/policy/shell-parser.js';

/**
 * The network family (src/policy/grammar/families/network.ts): everyday reads of sockets, routes,
 * firewalls, DNS and HTTP endpoints run unattended; everything that changes state, runs code,
 * writes files, sends local data or reaches a peer outside loopback and policy.internalHosts waits
 * for a human.
 */

const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

async function grammar(command: string, internalHosts: string[] = []): Promise<MatchResult> {
  const parsed = await parseShell(command);
  if (!parsed.ok) throw new Error(`${command}: ${parsed.error}`);
  return checkScript(parsed.script, grammarRegistry(), { secretPaths: [], internalHosts }, command);
}

const SAFE: string[] = [
  // ss
  'ss -tlnp',
  'ss -tunap',
  'ss -s',
  'ss -ltn sport = :443',
  "ss -tn state established '( dport = :443 or sport = :443 )'",
  "ss -o state established '( dport = :ssh )'",
  'ss -nt dst 10.0.0.1',
  'ss -xlp',
  'ss -4 -H -tan',
  'ss -tinm',
  'ss -A tcp,udp -n',
  'ss -f inet -lnp',
  'ss -N myns -tln',
  "ss -lptn 'sport = :5432'",
  'ss -tulwn',
  'ss -tanp | grep :5432',
  // netstat
  'netstat -tulpn',
  'netstat -anp',
  'netstat -rn',
  'netstat -i',
  'netstat -s',
  'netstat -su',
  'netstat -tulpn | grep LISTEN',
  // ip
  'ip a',
  'ip addr',
  'ip addr show',
  'ip a s',
  'ip -4 addr show dev eth0',
  'ip -6 a show scope global',
  'ip -br a',
  'ip -br -c addr show',
  'ip -j -p addr',
  'ip -o -4 addr show',
  'ip addr show up',
  'ip link',
  'ip l',
  'ip link show eth0',
  'ip -s link',
  'ip -s -s link show dev eth0',
  'ip -d link show',
  'ip link ls up',
  'ip link show type bridge',
  'ip r',
  'ip route show',
  'ip r s',
  'ip route show table all',
  'ip -6 route show',
  'ip -4 route list table main',
  'ip route get 10.1.2.3',
  'ip route get 8.8.8.8 from 10.0.0.5 oif eth0',
  'ip r show default',
  'ip route | grep default',
  'ip rule',
  'ip rule list table main',
  'ip neigh',
  'ip n show dev eth0',
  'ip -s neigh show nud reachable',
  'ip -6 neigh',
  'ip maddr show dev eth0',
  'ip tunnel show',
  'ip netns',
  'ip netns list',
  'ip -n myns addr show',
  'ip netns identify 1234',
  'ip -details -json link show',
  'ip --json route',
  'ip -c a',
  'ip -h -s link',
  // tc, bridge
  'tc qdisc show',
  'tc -s qdisc show dev eth0',
  'tc -s -d class show dev eth0',
  'tc filter show dev eth0 ingress',
  'tc qdisc',
  'tc -j qdisc ls',
  'bridge link',
  'bridge link show',
  'bridge fdb show br br0',
  'bridge -d vlan show',
  // arp, route, ifconfig, ethtool
  'arp -an',
  'arp -n',
  'arp -a 10.0.0.1',
  'arp -e -i eth0',
  'route -n',
  'route -en',
  'route -6 -n',
  'ifconfig',
  'ifconfig -a',
  'ifconfig eth0',
  'ethtool eth0',
  'ethtool -i eth0',
  'ethtool -S eth0',
  'ethtool -k eth0',
  'ethtool -g eth0',
  'ethtool --json -S eth0',
  'ethtool -m eth0',
  // nft, iptables, conntrack
  'nft list ruleset',
  'nft -a list ruleset',
  'nft list tables',
  'nft list table inet filter',
  'nft -a list chain inet filter input',
  'nft list set inet filter blocklist',
  'nft -j list ruleset',
  'nft -n -a list table ip nat',
  'iptables -L',
  'iptables -L -n -v',
  'iptables -nvL',
  'iptables -t nat -L -n',
  'iptables -S',
  'iptables -S INPUT',
  'iptables -L INPUT -n --line-numbers',
  'iptables -L -n -v -x',
  'iptables -w -L -n',
  'ip6tables -L -n',
  'iptables-save',
  'iptables-save -t nat',
  'iptables-save -c',
  'conntrack -L',
  'conntrack -S',
  'conntrack -C',
  'conntrack -L -p tcp --dport 443',
  'conntrack -L -o extended',
  'conntrack -L -p tcp --state ESTABLISHED',
  // reachability
  'ping -c 3 localhost',
  'ping -c1 127.0.0.1',
  'ping -c 5 -i 0.2 -W 1 localhost',
  'ping6 -c 2 ::1',
  'ping -w 5 localhost',
  'traceroute localhost',
  'traceroute -n -m 10 127.0.0.1',
  'tracepath -n localhost',
  'mtr -r -c 5 localhost',
  'mtr --report --report-cycles 3 -n 127.0.0.1',
  'mtr -rwn localhost',
  'nc -zv localhost 5432',
  'nc -z -w 3 127.0.0.1 6379',
  'nc -zvw3 localhost 80',
  'nc -zv localhost 8000-8010',
  // DNS
  'dig example.com',
  'dig +short example.com',
  'dig example.com MX +noall +answer',
  'dig @127.0.0.53 example.com',
  'dig -x 10.0.0.1',
  'dig -t TXT example.com +short',
  'dig +tcp example.com SOA',
  'dig CH TXT version.bind @127.0.0.1',
  'dig axfr.example.com',
  'host example.com',
  'host -t MX example.com',
  'host 10.0.0.1',
  'host example.com 127.0.0.53',
  'nslookup example.com',
  'nslookup -type=mx example.com',
  'nslookup example.com 127.0.0.53',
  'resolvectl status',
  'resolvectl statistics',
  'resolvectl query example.com',
  'resolvectl dns',
  'resolvectl dns eth0',
  'systemd-resolve --status',
  // HTTP (Elasticsearch and health endpoints on loopback)
  "curl -s 'localhost:9200/_cluster/health?pretty'",
  'curl -sS -XGET localhost:9200/_nodes/stats',
  "curl -s 'http://127.0.0.1:9200/_cat/indices?v'",
  "curl -s 'http://localhost:9200/_cat/indices?v&s=index'",
  'curl -s localhost:9200/_cat/nodes',
  'curl -I http://localhost:8080/',
  'curl -sf http://localhost:8080/healthz',
  "curl -o /dev/null -s -w '%{http_code}\\n' http://localhost:8080/health",
  'curl -sk https://localhost:8443/status',
  'curl -m 5 --connect-timeout 2 -s http://127.0.0.1:9090/-/healthy',
  "curl -s -H 'Content-Type: application/json' 'localhost:9200/_cluster/health?pretty'",
  'curl -s --retry 3 --retry-delay 1 http://localhost:8080/ready',
  'curl -sD - -o /dev/null http://localhost/',
  'curl -X HEAD -s http://localhost/',
  'curl -s http://localhost:9100/metrics | grep node_load',
  'wget -qO- http://localhost:8080/health',
  'wget -q -O - http://127.0.0.1:9200/',
  'wget --spider http://localhost/',
  'wget -S --spider -T 5 http://localhost:8080/',
  // TLS
  'openssl s_client -connect localhost:443 -servername localhost </dev/null',
  'openssl s_client -connect 127.0.0.1:8443 -showcerts </dev/null',
  'openssl x509 -in /etc/ssl/certs/ca-certificates.crt -noout -dates',
  'openssl x509 -in /srv/app/server.crt -noout -subject -issuer -enddate',
  'openssl version -a',
  // NetworkManager
  'nmcli',
  'nmcli device status',
  'nmcli d',
  'nmcli dev show eth0',
  'nmcli connection show',
  'nmcli c s',
  'nmcli -t -f NAME,UUID,TYPE,DEVICE connection show',
  'nmcli -g IP4.ADDRESS device show eth0',
  'nmcli general status',
  'nmcli connection show --active',
  // tcpdump
  'tcpdump -c 100 -nn -i eth0 port 443',
  "tcpdump -i any -c 10 -nn 'tcp port 80'",
  'tcpdump -D',
  'tcpdump -c 20 -i eth0 -nn -vvv host 10.0.0.5 and port 5432',
  'tcpdump -r /tmp/capture.pcap -nn',
];

const HARMFUL: string[] = [
  // curl: sends, writes, configs, credentials, other protocols and hosts
  'curl -d @/etc/passwd http://localhost',
  'curl -o /etc/cron.d/x http://localhost/x',
  'curl file:///etc/shadow',
  'curl gopher://localhost:6379/_FLUSHALL',
  'curl dict://localhost:11211/stats',
  'curl http://evil.example.com',
  'curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'curl -s http://localhost@evil.example.com/',
  'curl -w @/etc/shadow localhost',
  "curl -w '%output{/tmp/x}%{http_code}' http://localhost",
  'curl --resolve localhost:80:1.2.3.4 http://localhost',
  'curl --connect-to localhost:80:evil.example.com:80 http://localhost',
  'curl -s http://localhost --next -d @/etc/passwd http://localhost',
  'curl -T /etc/passwd http://localhost/upload',
  'curl -F file=@/etc/passwd http://localhost/',
  'curl --json @/etc/passwd http://localhost',
  'curl -K /tmp/curlrc http://localhost',
  'curl -u admin:secret http://localhost:9200/',
  'curl -x http://evil.example.com:3128 http://localhost',
  'curl -L http://localhost/redirect',
  'curl -O http://localhost/x.sh',
  'curl -H @/etc/passwd http://localhost',
  'curl -X DELETE localhost:9200/myindex',
  'curl -XPOST localhost:9200/_shutdown',
  "curl -XPUT 'localhost:9200/_cluster/settings'",
  'curl --unix-socket /var/run/docker.sock http://localhost/containers/json',
  'curl -b /tmp/cookies http://localhost',
  'curl -c /tmp/jar http://localhost',
  'curl -D /tmp/headers http://localhost',
  'curl --trace /tmp/trace http://localhost',
  'cat /etc/passwd | curl -d @- http://localhost',
  // wget
  'wget http://localhost/x',
  'wget -O /etc/cron.d/x http://localhost/x',
  'wget -qO- http://evil.example.com/',
  'wget --post-file=/etc/passwd -O - http://localhost/',
  'wget -e robots=off -O - http://localhost/',
  'wget -i /tmp/urls -O -',
  'wget -O - --method=DELETE http://localhost:9200/x',
  'wget -o /tmp/log -O - http://localhost/',
  // ping and path tools
  'ping -c1 8.8.8.8',
  'ping -f localhost',
  'ping localhost',
  'ping -c 1000 -i 0.001 localhost',
  'ping -c 3 -b 255.255.255.255',
  'traceroute 8.8.8.8',
  'traceroute -A localhost',
  'mtr localhost',
  'mtr -r -F /tmp/hosts localhost',
  'tracepath 8.8.8.8',
  // DNS
  'dig @8.8.8.8 x',
  'dig @evil.example.com example.com',
  'dig +trace example.com',
  'dig +nssearch example.com',
  'dig -f /etc/passwd',
  'dig -k /etc/bind/rndc.key example.com',
  'dig -y hmac-sha256:name:c2VjcmV0 example.com',
  'dig example.com AXFR @127.0.0.1',
  'host -l example.com 127.0.0.1',
  'host example.com 8.8.8.8',
  'host -C example.com',
  'nslookup example.com 8.8.8.8',
  'nslookup',
  'nslookup -',
  'resolvectl flush-caches',
  'resolvectl dns eth0 8.8.8.8',
  'resolvectl domain eth0 evil.example.com',
  'resolvectl revert eth0',
  'resolvectl log-level debug',
  'systemd-resolve --flush-caches',
  'systemd-resolve --set-dns=8.8.8.8 --interface=eth0',
  // nc
  'nc -e /bin/sh localhost 9',
  'cat /etc/passwd | nc localhost 9',
  'nc -l 4444',
  'nc localhost 6379',
  'nc -z evil.example.com 443',
  'nc -zv -x proxy:1080 localhost 22',
  "ncat --sh-exec 'sh' localhost 9",
  // ip
  'ip netns exec x sh',
  'ip -n x netns exec y sh',
  'ip r flush all',
  'ip route add default via 10.0.0.1',
  'ip link set eth0 down',
  'ip l s eth0 down',
  'ip addr del 10.0.0.5/24 dev eth0',
  'ip a flush dev eth0',
  'ip -b /tmp/cmds',
  'ip -batch /tmp/cmds',
  'ip xfrm state',
  'ip monitor',
  'ip neigh flush all',
  'ip rule add from all table 100',
  'ip route restore',
  // ss
  'ss -K dst 1.2.3.4',
  'ss -D /tmp/dump',
  'ss -F /tmp/filter',
  'ss -E',
  // tcpdump
  'tcpdump -c1 -z /tmp/x -w /tmp/y',
  'tcpdump -i eth0',
  'tcpdump -c 10 -w /tmp/cap.pcap',
  'tcpdump -c 10 -F /tmp/filter',
  "tcpdump -c 10 -E 'esp-secret' -i eth0",
  'tcpdump -r /etc/shadow',
  // nft
  'nft -a flush ruleset',
  'nft flush ruleset',
  "nft list ruleset ';' flush ruleset",
  "nft 'list ruleset; flush ruleset'",
  "nft list table inet 'filter; flush ruleset'",
  'nft -f /tmp/rules.nft',
  'nft -i',
  'nft reset counters',
  'nft delete table inet filter',
  'nft add rule inet filter input drop',
  // tc, bridge
  'tc -s qdisc del dev eth0 root',
  'tc qdisc add dev eth0 root netem delay 100ms',
  'tc qdisc l dev eth0',
  'tc -b /tmp/x',
  'bridge link set dev eth0 state 0',
  'bridge fdb add 00:11:22:33:44:55 dev eth0',
  'bridge fdb flush dev eth0',
  // iptables and conntrack
  'iptables -L -Z',
  'iptables -nvL -Z',
  'iptables -F',
  'iptables -A INPUT -j DROP',
  'iptables -P INPUT DROP',
  'iptables -L --modprobe=/tmp/x',
  'iptables -D INPUT 1',
  'iptables-save -f /etc/iptables/rules.v4',
  'iptables-save -M /tmp/evil',
  'conntrack -F',
  'conntrack -D -s 10.0.0.1',
  'conntrack -L -z',
  'conntrack -E',
  // arp, route, ifconfig, ethtool
  'arp -d 10.0.0.1',
  'arp -s 10.0.0.1 00:11:22:33:44:55',
  'arp -f /etc/ethers',
  'route add default gw 10.0.0.1',
  'route del -net 10.0.0.0/8',
  'ifconfig eth0 down',
  'ifconfig eth0 10.0.0.5 netmask 255.255.255.0',
  'ethtool -s eth0 speed 100 duplex full',
  'ethtool -K eth0 tso off',
  'ethtool -t eth0 offline',
  'ethtool --reset eth0 all',
  'ethtool -f eth0 firmware.bin',
  // openssl
  'openssl s_client -connect evil.example.com:443',
  'echo hello | openssl s_client -connect localhost:443',
  'openssl s_client -connect localhost:443 -keylogfile /tmp/keys',
  'openssl s_client -connect localhost:443 -sess_out /tmp/sess',
  'openssl s_client -connect localhost:443 -proxy evil.example.com:8080',
  'openssl s_client -engine /tmp/evil.so -connect localhost:443',
  'openssl x509 -in /etc/ssl/private/server.key -noout -text',
  'openssl x509 -in /srv/cert.crt -out /tmp/x.pem',
  'openssl rsa -in /etc/ssl/private/server.key',
  'openssl genrsa -out /tmp/key.pem 2048',
  // nmcli
  'nmcli -s connection show MyWifi',
  'nmcli connection show --show-secrets MyWifi',
  'nmcli connection show -s MyWifi',
  'nmcli connection up MyWifi',
  'nmcli connection delete MyWifi',
  'nmcli device disconnect eth0',
  'nmcli d set eth0 managed no',
  'nmcli networking off',
  'nmcli general hostname evil',
  'nmcli --offline connection add',
  // netstat
  'netstat -c',
];

describe('network grammar: everyday reads', () => {
  test.each(SAFE)('%s matches the grammar', async (command) => {
    const result = await grammar(command);
    expect(`${result.kind}: ${result.reason}`).toMatch(/^read: /);
  });

  test.each(SAFE)('%s is auto in production', async (command) => {
    const assessment = await assessCommand(command, 'production');
    expect(`${assessment.decision}: ${assessment.reason}`).toMatch(/^auto: /);
  });
});

describe('network grammar: harmful commands wait for a human', () => {
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

describe('network grammar: reasons name the part', () => {
  test.each([
    ['curl -d @/etc/passwd http://localhost', "'-d'"],
    ['curl -o /etc/cron.d/x http://localhost/x', "'/etc/cron.d/x'"],
    ['curl -w @/etc/shadow localhost', "'@/etc/shadow'"],
    ['ip r flush all', "'flush'"],
    ['ip netns exec x sh', "'exec'"],
    ['ss -K dst 1.2.3.4', "'-K'"],
    ['tcpdump -c1 -z /tmp/x -w /tmp/y', "'-z'"],
    ['nft -a flush ruleset', "'flush'"],
    ['tc -s qdisc del dev eth0 root', "'del'"],
    ['iptables -L -Z', "'-Z'"],
    ['dig @8.8.8.8 x', "'@8.8.8.8'"],
    ['nc -e /bin/sh localhost 9', "'-e'"],
    ['ping -c1 8.8.8.8', '8.8.8.8 is outside loopback'],
    ['curl http://evil.example.com', 'evil.example.com is outside loopback'],
  ])('%s names %s', async (command, part) => {
    expect((await grammar(command)).reason).toContain(part);
    const assessment = await assessCommand(command, 'production');
    expect(assessment.findings.join('\n')).toContain(part);
  });

  test('a piped stage into a tool that sends its input says so', async () => {
    expect((await grammar('cat /etc/passwd | nc localhost 9')).reason).toContain('nc would take');
  });

  test('a missing bound says which option makes it read-only', async () => {
    expect((await grammar('ping localhost')).reason).toContain('-c or -w');
    expect((await grammar('mtr localhost')).reason).toContain('-r or --report');
    expect((await grammar('nc localhost 6379')).reason).toContain('-z');
  });
});

describe('network grammar: policy.internalHosts', () => {
  const policy = PolicyConfigSchema.parse({ internalHosts: ['*.internal.example', '10.0.0.0/8'] });

  test.each([
    'curl -s http://es-1.internal.example:9200/_cluster/health',
    'wget -qO- http://10.1.2.3:8080/health',
    'ping -c 3 db.internal.example',
    'nc -zv 10.0.0.7 5432',
    'openssl s_client -connect api.internal.example:443 </dev/null',
    'host example.com 10.0.0.2',
    'mtr -r -c 3 10.0.0.1',
  ])('%s is auto once the peer is internal', async (command) => {
    const assessment = await assessCommand(command, 'production', { policy });
    expect(`${assessment.decision}: ${assessment.reason}`).toMatch(/^auto: /);
    expect((await grammar(command)).kind).toBe('sensitive');
  });

  test.each([
    'curl -s http://es-1.internal.example.evil.com:9200/',
    'ping -c 3 11.0.0.1',
    // dig's @server is a local type: only loopback literals, never policy.internalHosts.
    'dig @10.0.0.2 example.com',
  ])('%s still waits', async (command) => {
    const assessment = await assessCommand(command, 'production', { policy });
    expect(['auto', 'notify']).not.toContain(assessment.decision);
  });
});
