import { assessCommand } from '../../src/policy/assessor.js';
import { checkScript } from '../../src/policy/grammar/check.js';
import { OPS } from '../../src/policy/grammar/families/ops.js';
import type { MatchResult } from '../../src/policy/grammar/match.js';
import { grammarRegistry } from '../../src/policy/grammar/registry.js';
import { ToolGrammarSchema } from '../../src/policy/grammar/spec.js';
import type { EnvironmentName } from '../../src/policy/policy.js';
import { parseShell } from '../../src/policy/shell-parser.js';

/**
 * The everyday reads added to the ops family: identity and locale, file metadata (ACLs,
 * attributes, capabilities, path walks), namespaces and the processes holding files, signal names,
 * sensors and udev, compressed files to standard output, zip listings, ELF structure, program
 * look-ups, ripgrep and yq. Each runs by itself in production only in its printing forms; killing,
 * writing, extracting, loading files or the environment, running programs and reaching credential
 * files wait for a human in every environment.
 */

const ENVIRONMENTS: EnvironmentName[] = ['development', 'staging', 'production'];

async function grammarVerdict(command: string): Promise<MatchResult> {
  const parsed = await parseShell(command);
  if (!parsed.ok) throw new Error(parsed.error);
  return checkScript(parsed.script, grammarRegistry(), { secretPaths: [], internalHosts: [] }, command);
}

const SAFE: string[] = [
  // identity, locale, time zones
  'groups',
  'groups deploy',
  'groups root www-data',
  'locale',
  'locale -a',
  'locale -m',
  'locale -k LC_TIME',
  'locale -ck LC_NUMERIC',
  'locale charmap',
  'zdump UTC',
  'zdump -v Europe/Paris',
  'zdump -c 2024,2026 America/New_York',
  'zdump -V -c 2025 Asia/Tokyo Europe/London',
  'zdump America/Argentina/Buenos_Aires',
  'lslogins',
  'lslogins -u',
  'lslogins -s --noheadings',
  'lslogins root',
  'lslogins -o USER,UID,LAST-LOGIN',
  'lslogins -f -L',
  'lslogins -l root,deploy -e',
  'lslogins --output=USER,GROUP --time-format=iso',
  // file metadata
  'getfacl /srv/app',
  'getfacl -p /var/www/html',
  'getfacl -R /srv/data',
  'getfacl -n -e -t /etc/nginx',
  'getfacl --omit-header /var/log/app.log',
  'lsattr /etc/resolv.conf',
  'lsattr -d /var/log',
  'lsattr -R /srv/data',
  'lsattr -a -l /var/lib/mysql',
  'namei /var/www/html/index.html',
  'namei -l /etc/nginx/nginx.conf',
  'namei -mo /usr/local/bin/app',
  'namei -x -n /srv',
  'getcap /usr/bin/ping',
  'getcap -r /usr/bin',
  'getcap -v /usr/sbin/tcpdump /usr/bin/ping',
  // namespaces, processes, signals
  'lsns',
  'lsns -t net',
  'lsns -p 1234',
  'lsns -o NS,TYPE,NPROCS,PID,COMMAND',
  'lsns -J -t pid',
  'lsns -l -n -r',
  'lsns -T',
  'lsns --tree=parent',
  'lsns 4026531840',
  'pwdx 1234',
  'pwdx 1234 5678',
  'fuser -v /var/log/syslog',
  'fuser -m /mnt/data',
  'fuser -vm /var/lib/docker',
  'fuser 80/tcp',
  'fuser -n tcp 443',
  'fuser -v -n udp 53',
  'fuser -4 -v 22/tcp',
  'fuser -au /srv/app/app.log',
  'fuser -l',
  'kill -l',
  'kill -L',
  'kill -l 9',
  'kill -l 137',
  'kill -l KILL',
  // sensors and udev
  'sensors',
  'sensors -A',
  'sensors -u',
  'sensors -j',
  'sensors coretemp-isa-0000',
  'sensors -f nct6775-isa-0290',
  'udevadm info /dev/sda',
  'udevadm info -q property -n /dev/sda',
  'udevadm info --query=all --name=/dev/nvme0n1',
  'udevadm info -a -p /sys/class/net/eth0',
  'udevadm info --attribute-walk /dev/sdb',
  'udevadm info -e',
  'udevadm info -q symlink -n sda',
  'udevadm info /sys/class/net/eth0',
  'udevadm monitor -k -p',
  'udevadm monitor --udev --subsystem-match=block',
  'udevadm settle -t 10',
  // compressed files to standard output
  'xz -dc /var/log/syslog.2.xz',
  'xz --decompress --stdout /backup/dump.sql.xz',
  'xz -dcq /var/log/app.log.1.xz',
  'xz -d -c -T0 /tmp/big.xz',
  'xz -dc /var/log/syslog.2.xz | tail -100',
  'unxz -c /var/log/kern.log.3.xz',
  'lzcat /tmp/x.lzma',
  'bzip2 -dc /var/log/messages.2.bz2',
  'bzip2 -d -c -k /tmp/dump.bz2',
  'bunzip2 -c /var/log/syslog.3.bz2',
  'lz4 -dc /var/lib/app/snap.lz4',
  'unlz4 -c /tmp/x.lz4',
  'lz4cat /tmp/a.lz4 /tmp/b.lz4',
  'zstd -dc /var/log/journal.zst',
  'zstd -d -c -q /tmp/a.zst /tmp/b.zst',
  'zstd --decompress --stdout --no-progress /tmp/a.zst',
  'zstd -dc /var/log/app.log.zst | grep ERROR',
  'unzstd -c /tmp/a.zst',
  // zip listings
  'unzip -l /tmp/release.zip',
  'unzip -v /opt/app/app.zip',
  'unzip -lq /srv/artifacts/build-42.zip',
  'unzip -t /tmp/release.zip',
  'unzip -z /tmp/release.zip',
  'unzip -Z /tmp/release.zip',
  'unzip -Z -l /tmp/release.zip',
  "unzip -l /tmp/release.zip 'lib/*.jar'",
  'zipinfo /tmp/release.zip',
  'zipinfo -1 /tmp/release.zip',
  'zipinfo -l -t /srv/app.jar',
  'zipinfo -s /tmp/release.zip META-INF/MANIFEST.MF',
  // ELF structure, program look-ups
  'readelf -h /usr/bin/ls',
  'readelf -d /usr/local/bin/app',
  'readelf -Ws /usr/lib/x86_64-linux-gnu/libc.so.6',
  'readelf -n /usr/bin/python3',
  'readelf -lW /usr/sbin/nginx',
  'readelf -a /opt/app/bin/server',
  'readelf --dyn-syms -W /usr/lib/libssl.so.3',
  'readelf -S --wide /proc/1234/exe',
  'readelf -V /usr/bin/java',
  'readelf -h ./app',
  'which nginx',
  'which -a python3',
  'which kubectl docker',
  'whereis nginx',
  'whereis -b java',
  'whereis -m ls',
  // ripgrep
  'rg -i error /var/log/nginx',
  'rg -l TODO /srv/app/src',
  'rg -c Exception /var/log/app',
  "rg -w -F 'connection refused' /var/log/app/app.log",
  'rg -e ERROR -e WARN /var/log/app',
  'rg -A3 -B2 panic /var/log/app',
  'rg --files /srv/app',
  'rg --type-list',
  'rg -u OOM /var/log',
  'rg -v DEBUG /var/log/app/app.log',
  'rg --json -m 5 error /var/log/app',
  "rg -g '*.log' -i timeout /var/log",
  'journalctl -u nginx | rg -i error -',
  // yq
  "yq '.spec.replicas' /srv/k8s/deploy.yaml",
  "yq e '.metadata.name' /srv/k8s/deploy.yaml",
  "yq -r '.services | keys' /srv/app/docker-compose.yml",
  "yq '.spec.template.spec.containers[].image' /srv/k8s/deploy.yaml",
  "yq -o json '.' /etc/netplan/01-netcfg.yaml",
  'yq . /etc/netplan/01-netcfg.yaml',
  'yq .spec /srv/k8s/deploy.yaml',
  "yq eval '.data | keys' /srv/k8s/cm.yaml",
  "yq ea '. as $item ireduce ({}; . * $item )' /srv/a.yaml /srv/b.yaml",
  "cat /srv/k8s/deploy.yaml | yq '.spec.replicas'",
  'yq \'.items[] | select(.kind == "Deployment") | .metadata.name\' /srv/all.yaml',
  "yq -P '.' /srv/app/config.json",
  'yq \'.a // "default"\' /srv/x.yaml',
  "yq '.a' -",
];

const HARMFUL: string[] = [
  // identity, locale, time zones
  'groups $(id -un)',
  'locale -a > /tmp/locales',
  'zdump /etc/shadow',
  'zdump ../../etc/shadow',
  'lslogins --wtmp-file /tmp/x',
  'lslogins --btmp-file=/var/log/btmp.1',
  'lslogins --lastlog-file /tmp/ll',
  'lslogins -Q x',
  // file metadata
  'getfacl /etc/shadow > /tmp/x',
  'setfacl -m u:evil:rwx /etc/shadow',
  'getfacl --restore=/tmp/acl',
  'chattr -i /etc/passwd',
  'lsattr -V /etc | sh',
  'getcap -d /usr/bin/ping',
  'setcap cap_net_raw+ep /tmp/x',
  'namei -l',
  // namespaces, processes, signals
  'lsns -Q \'TYPE=="net"\'',
  'lsns -t bogus',
  'pwdx self',
  'fuser -k /var/log/syslog',
  'fuser -k -9 80/tcp',
  'fuser -ki /mnt/data',
  'fuser -KILL /mnt/data',
  'fuser -9 /mnt/data',
  'fuser -vk 80/tcp',
  'fuser -s -k /srv',
  'fuser --kill /mnt',
  'fuser -w -k /srv',
  'fuser 80,evil.example.com,443/tcp',
  'fuser -n tcp 80,evil.example.com',
  'fuser -nk tcp 80',
  'kill 1234',
  'kill -9 1234',
  'kill -l 9 -9 1234',
  'kill 1234 -l',
  'kill -s KILL 1234',
  'kill -l 1234',
  'kill -TERM -1',
  'kill -l -- -1',
  'kill -L 1234',
  // sensors and udev
  'sensors -s',
  'sensors --set',
  'sensors -c /tmp/evil.conf',
  'sensors --config-file=/tmp/x',
  'udevadm trigger',
  'udevadm trigger --action=remove',
  'udevadm control --reload',
  'udevadm test /sys/class/net/eth0',
  'udevadm test-builtin net_id /sys/class/net/eth0',
  'udevadm info -c',
  'udevadm info --cleanup-db',
  'udevadm hwdb --update',
  'udevadm info -p /sys/../../etc/shadow',
  'udevadm info -n /dev/../etc/shadow',
  'udevadm settle -E /tmp/x',
  // compressed files: writes, deletes, other files
  'xz /var/log/syslog',
  'xz -d /var/log/syslog.2.xz',
  'xz -c /var/log/syslog',
  'xz -dc --files=/tmp/list',
  'xz -dc /etc/shadow',
  'xz -dcz /tmp/x',
  'xz -l -d /tmp/a.xz',
  'xz -dc -S .bak /tmp/a',
  'unxz /var/log/syslog.2.xz',
  'unxz -k /tmp/a.xz',
  'bzip2 /tmp/dump',
  'bzip2 -d /tmp/dump.bz2',
  'bzip2 -dcz /tmp/dump',
  'bunzip2 /var/log/messages.2.bz2',
  'lz4 /tmp/a',
  'lz4 -d /tmp/a.lz4',
  'lz4 -dc /tmp/a.lz4 /tmp/out',
  'lz4 -dc --rm /tmp/a.lz4',
  'lz4 -dcm /tmp/a.lz4 /tmp/b.lz4',
  'unlz4 /tmp/a.lz4',
  'zstd /tmp/a',
  'zstd -d /tmp/a.zst',
  'zstd -dc --rm /tmp/a.zst',
  'zstd -dc -o /tmp/out /tmp/a.zst',
  'zstd -d -c --output-dir-flat /tmp /tmp/a.zst',
  'zstd -dc --filelist /tmp/list',
  'unzstd /tmp/a.zst',
  // zip extraction
  'unzip /tmp/release.zip',
  'unzip -o /tmp/release.zip -d /',
  'unzip -p /tmp/release.zip secrets.txt',
  'unzip -c /tmp/release.zip',
  'unzip -l /tmp/release.zip -d /tmp/x',
  'unzip -T /tmp/release.zip',
  'unzip -lo /tmp/release.zip',
  'unzip -l /dev/watchdog',
  'unzip -l /etc/ssl/private/keys.zip',
  'zipinfo -M /tmp/release.zip',
  'zipinfo /tmp/release.zip -x foo',
  // ELF contents, other files, devices
  'readelf -x .rodata /usr/bin/app',
  'readelf -p .comment /usr/bin/app',
  'readelf -R .data /usr/bin/app',
  'readelf -wi /usr/bin/app',
  'readelf --debug-dump=info /usr/bin/app',
  'readelf -P /usr/bin/app',
  'readelf -h @/etc/shadow',
  'readelf -h /dev/watchdog',
  'readelf -h /proc/kcore',
  'readelf -h //dev/watchdog',
  'readelf -h /./dev/watchdog',
  'readelf -h /tmp/../dev/watchdog',
  'ldd /usr/bin/ls',
  'which -a $(id)',
  'which --read-alias ls',
  'whereis -B /tmp -f ls',
  // ripgrep: programs, other files, the home directory, secrets
  'rg --pre /tmp/evil.sh foo /var/log',
  'rg --pre=cat foo /var/log',
  'rg -z foo /var/log',
  'rg --search-zip foo /var/log',
  'rg -f /etc/shadow /var/log',
  'rg --ignore-file /tmp/x foo /var/log',
  'rg -L foo /var/log',
  'rg --hostname-bin /tmp/x foo /var/log',
  'rg foo',
  'rg foo .',
  'rg foo /root',
  'rg password /srv/app',
  'rg -i secret /var/lib/app',
  'rg foo /etc/shadow',
  'rg -e foo',
  // yq: writes, other files, the environment, programs, expressions that name files
  "yq -i '.a = 1' /srv/x.yaml",
  "yq --inplace '.a = 1' /srv/x.yaml",
  "yq -s '.name' /srv/x.yaml",
  "yq --split-exp '.a' /srv/x.yaml",
  'yq --from-file /tmp/x.yq /srv/x.yaml',
  'yq \'.a | load("/etc/shadow")\' /srv/x.yaml',
  'yq \'load_str("/root/.ssh/id_rsa")\' /srv/x.yaml',
  "yq '.a = env(AWS_SECRET_ACCESS_KEY)' /srv/x.yaml",
  "yq '.a = strenv(HOME)' /srv/x.yaml",
  "yq '.a | envsubst' /srv/x.yaml",
  "yq '$ENV' /srv/x.yaml",
  "yq 'eval(.expr)' /srv/x.yaml",
  'yq \'.a | system("id")\' /srv/x.yaml',
  'yq \'1load("/etc/shadow")\' /srv/x.yaml',
  'yq \'import "x" as y; .\' /srv/x.yaml',
  'yq .pgpass',
  'yq .netrc',
  'yq .my.cnf',
  'yq .vault-token',
  'yq e .bash_history',
  'yq /etc/shadow',
  'yq .kube/config',
  "yq '.kube//config'",
  'yq /tmp/evil.yq',
  "yq -oini '.a' /srv/x.yaml",
  "yq '.a' /etc/kubernetes/admin.conf",
  "yq -f process '.a' /srv/x.yaml",
  "yq --expression '.a' /srv/x.yaml",
  "yq '.a' /srv/x.yaml | sh",
  "yq -o json '.a' /root/.kube/config",
];

describe('ops grammar (everyday reads): the declarations are valid and unique', () => {
  test('every tool parses with the grammar schema and the registry accepts the family', () => {
    for (const grammar of OPS) expect(ToolGrammarSchema.safeParse(grammar).success).toBe(true);
    expect(() => grammarRegistry()).not.toThrow();
  });
});

describe('ops grammar (everyday reads): the printing forms run by themselves in production', () => {
  test.each(SAFE)('%s', async (command) => {
    const verdict = await grammarVerdict(command);
    expect({ command, kind: verdict.kind, reason: verdict.reason }).toEqual({
      command,
      kind: 'read',
      reason: expect.any(String),
    });
    const assessment = await assessCommand(command, 'production');
    expect({ command, decision: assessment.decision, reason: assessment.reason }).toEqual({
      command,
      decision: 'auto',
      reason: expect.any(String),
    });
  });
});

describe('ops grammar (everyday reads): kills, writes, extraction, other files, programs and secrets never run by themselves', () => {
  test.each(HARMFUL)('%s', async (command) => {
    const parsed = await parseShell(command);
    if (parsed.ok) {
      expect({ command, kind: (await grammarVerdict(command)).kind }).not.toEqual({ command, kind: 'read' });
    }
    for (const environment of ENVIRONMENTS) {
      const assessment = await assessCommand(command, environment);
      expect({ command, environment, decision: assessment.decision }).not.toEqual(
        expect.objectContaining({ decision: expect.stringMatching(/^(auto|notify)$/) }),
      );
    }
  });
});

describe('ops grammar (everyday reads): the refusal names the part it did not recognise', () => {
  test.each([
    ['fuser -k /var/log/syslog', /'-k' is not an option/],
    ['kill 1234', /read-only only with -l or -L/],
    ['kill -l 1234', /'1234' is not what it expects/],
    ['sensors -s', /'-s' is not an option/],
    ['udevadm trigger', /'trigger' is not a subcommand/],
    ['xz -d /var/log/syslog.2.xz', /read-only only with -c or --stdout or --to-stdout/],
    ['lz4 -dc /tmp/a.lz4 /tmp/out', /'\/tmp\/out' is not what it expects/],
    ['zstd -dc -o /tmp/out /tmp/a.zst', /'-o' is not an option/],
    ['unzip /tmp/release.zip', /read-only only with -l or -v or -t or -z or -Z/],
    ['readelf -x .rodata /usr/bin/app', /'-x' is not an option/],
    ['readelf -h @/etc/shadow', /'@\/etc\/shadow' is not what it expects/],
    ['rg --pre /tmp/evil.sh foo /var/log', /'--pre' is not an option/],
    ['rg foo /root', /reaches \/root/],
    ["yq -i '.a = 1' /srv/x.yaml", /'-i' is not an option/],
    ['yq \'.a | load("/etc/shadow")\' /srv/x.yaml', /is not what it expects/],
    ['yq .pgpass', /'\.pgpass' is not what it expects/],
  ])('%s', async (command, reason) => {
    const assessment = await assessCommand(command, 'production');
    expect(assessment.decision).not.toBe('auto');
    expect(assessment.findings.join('\n')).toMatch(reason);
  });
});
