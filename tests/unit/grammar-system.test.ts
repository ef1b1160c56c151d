import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { assessCommand } from '../../src/policy/assessor.js';
import { SYSTEM } from '../../src/policy/grammar/families/system.js';
import { ToolGrammarSchema } from '../../src/policy/grammar/spec.js';
import { ENVIRONMENTS, grammarVerdict } from '../support/grammar-family.js';

/**
 * The system family (src/policy/grammar/families/system.ts): systemd, the journal, processes,
 * statistics, disks and mounts, kernel parameters, logins, packages, time sync, storage health and
 * Ceph. Their reads run unattended in production; every verb or option that changes state, writes
 * a file, loads settings from a file, reaches another host or prints credentials waits for a human
 * in every environment.
 */

const SAFE: string[] = [
  // systemctl
  'systemctl status nginx',
  'systemctl status nginx.service --no-pager -l',
  'systemctl status -n 100 nginx',
  'systemctl status --lines=0 sshd',
  'systemctl list-units --type=service --state=running',
  'systemctl list-units --failed',
  'systemctl --failed',
  'systemctl list-timers --all',
  'systemctl list-unit-files --type=service',
  'systemctl is-active nginx',
  'systemctl is-enabled docker',
  'systemctl is-failed postgresql',
  'systemctl show nginx -p ActiveState,SubState',
  'systemctl show -P MainPID nginx',
  'systemctl show nginx --property=ExecMainStartTimestamp --value',
  'systemctl cat nginx',
  'systemctl list-dependencies nginx --reverse',
  'systemctl list-sockets',
  'systemctl is-system-running',
  'systemctl get-default',
  'systemctl',
  "systemctl list-units 'nginx*'",
  'systemctl list-units --type=service --all --no-pager | grep -i failed',
  'systemctl status -- -.mount',
  // systemd-analyze
  'systemd-analyze blame',
  'systemd-analyze critical-chain nginx.service',
  'systemd-analyze',
  "systemd-analyze calendar 'Mon *-*-* 00:00:00'",
  'systemd-analyze security nginx.service',
  // journalctl
  'journalctl -u nginx',
  'journalctl -u nginx -n 50',
  'journalctl -u nginx -n50 --no-pager',
  'journalctl -u nginx --since "1 hour ago"',
  'journalctl -u nginx --since today --until "2024-05-01 10:00:00"',
  'journalctl -xe',
  'journalctl -b',
  'journalctl -b -1',
  'journalctl -b -1 -p err',
  'journalctl -k -b',
  'journalctl -p warning..err',
  'journalctl --list-boots',
  'journalctl --disk-usage',
  'journalctl -f -u nginx',
  'journalctl _PID=1234',
  'journalctl _SYSTEMD_UNIT=nginx.service + _PID=1',
  'journalctl -u nginx -o json-pretty -n 10',
  "journalctl -u nginx -g 'error|fail' --since -1h",
  'journalctl -t sshd -n 20',
  'journalctl -r -n 100',
  'journalctl --lines=all -u cron',
  'journalctl --lines 200 -u kubelet',
  'journalctl -u docker --no-pager -q | tail -100',
  'journalctl /usr/sbin/sshd',
  'journalctl -F _SYSTEMD_UNIT',
  // logins, time, host
  'loginctl list-sessions',
  'loginctl show-session 3 -p Remote',
  'timedatectl',
  'timedatectl show --property=NTPSynchronized --value',
  'timedatectl timesync-status',
  'hostnamectl',
  'localectl status',
  // ps, top, process lookups
  'ps aux',
  'ps auxf',
  'ps -ef',
  'ps -eLf',
  'ps aux --sort=-%mem',
  'ps aux --sort -%cpu | head -20',
  'ps -eo pid,ppid,cmd,%mem,%cpu --sort=-%mem',
  'ps -eo pid,user,etime,args',
  'ps -p 1234 -o pid,etime,cmd',
  'ps -p 1234 -o etimes=',
  'ps -fp 1234',
  'ps -u www-data',
  'ps -u postgres -o pid,cmd',
  'ps -u root',
  'ps -fu nginx',
  'ps -ef --forest',
  'ps axjf',
  'ps -C nginx -o pid=',
  'ps -L -p 1234',
  'ps auxww',
  'ps -ef | grep -v grep | grep nginx',
  'top -b -n 1',
  'top -bn1 | head -20',
  'top -b -n 1 -o %MEM',
  'top -b -n 2 -d 0.5 -p 1234',
  'top -bn1 -c -w 200',
  'pgrep nginx',
  'pgrep -af java',
  'pgrep -u postgres -l',
  'pidof nginx',
  'pstree -p',
  // memory, CPU, I/O
  'free -h',
  'free -m -t',
  'uptime',
  'uptime -p',
  'vmstat 1 5',
  'vmstat -s',
  'iostat -x 1 3',
  'iostat -xz 1 5',
  'iostat -dxm sda 2 3',
  'mpstat -P ALL 1 3',
  'pidstat -p 1234 1 5',
  'pidstat -d 2 3',
  'sar -u 1 3',
  'sar -n DEV 1 3',
  'sar -r ALL',
  'sar -f /var/log/sa/sa10',
  'sar -s 10:00:00 -e 11:00:00 -f /var/log/sa/sa10',
  'lscpu',
  'lscpu -e',
  'lsmem',
  'slabtop -o',
  'iotop -b -n 1',
  'iotop -boqn 3',
  // disks, mounts, files in use
  'lsblk',
  'lsblk -f',
  'lsblk -o NAME,SIZE,FSTYPE,MOUNTPOINT',
  'blkid',
  'blkid -o value -s UUID /dev/sda1',
  'findmnt',
  'findmnt -D',
  'findmnt -no SOURCE /',
  'mount',
  'mount -l',
  'lsof -i :8080',
  'lsof -i -P -n',
  'lsof -nP -iTCP -sTCP:LISTEN',
  'lsof -p 1234',
  'lsof -u www-data',
  'lsof +D /var/log',
  'lsof +L1',
  'lsof -t -i :5432',
  'lsof -i :80 -t',
  'lvs',
  'vgs --units g',
  'pvs',
  'lvs -o +devices',
  'lvdisplay -m vg0/data',
  'pvdisplay /dev/sda2',
  'zpool status -x',
  'zpool list',
  'zfs list -t snapshot',
  'zfs get compression tank',
  'mdadm --detail /dev/md0',
  'mdadm --detail --scan',
  'smartctl -a /dev/sda',
  'smartctl -H /dev/sda',
  'smartctl -l selftest /dev/sda',
  'smartctl -a -d megaraid,0 /dev/sda',
  'lspci -nn',
  'lspci -vvv -s 00:1f.2',
  'lsusb -t',
  'lsmod',
  // kernel, identity, logins
  'uname -a',
  'uname -r',
  'hostname',
  'hostname -f',
  'hostname -I',
  'id',
  'id www-data',
  'who',
  'who -b',
  'w',
  'users',
  'last -n 20',
  'last -20',
  'last reboot',
  'last -x shutdown',
  'lastlog -u root',
  'coredumpctl list',
  'coredumpctl info 1234',
  'dmesg',
  'dmesg -T',
  'dmesg -T | tail -50',
  'dmesg --level=err,warn',
  'dmesg -H --nopager',
  'sysctl -a',
  'sysctl vm.swappiness',
  'sysctl -n net.core.somaxconn',
  'sysctl -a | grep conntrack',
  'getent hosts db.internal',
  'getent passwd www-data',
  'getent group docker',
  'crontab -l',
  'crontab -l -u www-data',
  // packages
  'dpkg -l',
  'dpkg -l | grep nginx',
  'dpkg -L nginx',
  'dpkg -s openssl',
  'dpkg -S /usr/bin/curl',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  "dpkg-query -W -f='${Package} ${Version}\\n'",
  'rpm -qa',
  'rpm -qi openssl',
  'rpm -qf /usr/bin/curl',
  'rpm -qa --last',
  'apt list --installed',
  'apt list --upgradable',
  'apt show nginx',
  'apt-cache policy nginx',
  'apt-cache madison nginx',
  'service nginx status',
  'service --status-all',
];

/**
 * Reads the grammar declares but the harm classifier (src/policy/classifier.ts and rules/) still
 * treats as changes, because it predates these tools' grammars: checked at the grammar level.
 */
const GRAMMAR_SAFE: string[] = [
  'mount -t nfs',
  'modinfo nvme',
  'modinfo -F version e1000e',
  'atq',
  'ipcs -m',
  'numactl --hardware',
  'chronyc tracking',
  'chronyc sources -v',
  'chronyc -n sourcestats',
  'ntpq -p',
  'ntpq -pn',
  'ntpq -c rv',
  'ntpstat',
  'supervisorctl status',
  "supervisorctl status 'web:*'",
  'ceph status',
  'ceph -s',
  'ceph -s -f json',
  'ceph health detail',
  'ceph df',
  'ceph osd tree',
  'ceph osd df tree',
  'ceph pg stat',
  'ceph quorum_status -f json-pretty',
  'ceph fs status',
];

const HARMFUL: string[] = [
  // systemctl: verbs, verbs hidden behind value-taking options, other hosts and roots
  'systemctl stop nginx',
  'systemctl restart nginx',
  'systemctl kill nginx',
  'systemctl --signal KILL kill nginx',
  'systemctl -s KILL kill nginx',
  'systemctl -t service stop nginx',
  'systemctl -p Id stop nginx',
  'systemctl -n 5 start nginx',
  'systemctl --job-mode=replace status nginx',
  'systemctl -H prod-db status nginx',
  'systemctl --host=evil status',
  'systemctl -M container status',
  'systemctl --root=/mnt status',
  'systemctl status nginx --now',
  'systemctl enable --now nginx',
  'systemctl mask nginx',
  'systemctl daemon-reload',
  'systemctl set-property nginx CPUQuota=10%',
  'systemctl show-environment',
  'systemctl show',
  'systemctl show --property=Environment',
  'systemctl isolate rescue.target',
  'systemctl reboot',
  'systemctl log-level debug',
  'systemctl service-log-level nginx debug',
  'systemctl set-environment FOO=bar',
  'systemctl reset-failed',
  // systemd-analyze
  'systemd-analyze verify /tmp/evil.service',
  'systemd-analyze unit-shell nginx',
  'systemd-analyze --root=/mnt blame',
  'systemd-analyze cat-config /etc/shadow',
  'systemd-analyze security --offline=true /tmp/x.service',
  // journalctl: journal maintenance, files it writes, other machines
  'journalctl --vacuum-time=1d',
  'journalctl --vacuum-size=100M',
  'journalctl --vacuum-files 2',
  'journalctl --rotate',
  'journalctl --flush',
  'journalctl --sync',
  'journalctl --relinquish-var',
  'journalctl --setup-keys',
  'journalctl --update-catalog',
  'journalctl --cursor-file=/tmp/cursor -u nginx',
  'journalctl -n --vacuum-time=1d',
  'journalctl -b --rotate',
  'journalctl -u nginx --vacuum-time 1d',
  'journalctl -M container -u nginx',
  'journalctl --root /mnt',
  'journalctl --file -',
  'journalctl -F COREDUMP_ENVIRON',
  'journalctl --output-fields=MESSAGE,COREDUMP_ENVIRON',
  'coredumpctl dump 1234',
  'coredumpctl debug',
  'coredumpctl -o /tmp/core dump',
  'lastlog -C -u bob',
  'lastlog -S -u bob',
  'journalctl -nr',
  // logins, time, host names
  'loginctl terminate-session 3',
  'loginctl kill-user bob',
  'loginctl enable-linger bob',
  'timedatectl set-time 2020-01-01',
  'timedatectl set-ntp false',
  'hostnamectl hostname evil',
  'hostnamectl set-hostname evil',
  'localectl set-locale LANG=C',
  'hostname evil',
  'hostname -F /etc/evilname',
  'hostname -b evil',
  // ps: process environments (BSD e), also through ps's second, BSD-style parse
  'ps auxe',
  'ps e',
  'ps aux e',
  'ps eaux',
  'ps -exe',
  'ps -eTf --forest',
  'ps -e -u xe',
  'ps -eu x',
  'ps -e -u grafana',
  'ps -ef -o args --ppid 1',
  'ps -ef -o args -U root',
  'ps -ef -o args --deselect',
  'ps -e -o comm -M --ppid 1',
  'ps axo pid,cmd',
  'ps -p 1 e',
  // top without batch mode is interactive (k kills, r renices)
  'top',
  'top -n 1',
  'top -c -n 1',
  // sysctl writes
  'sysctl kernel.x=1',
  'sysctl -w kernel.panic=1',
  'sysctl -p',
  'sysctl -p /tmp/evil.conf',
  'sysctl --system',
  'sysctl net.ipv4.ip_forward=1 -n',
  // secrets
  'getent shadow',
  'getent shadow root',
  'getent gshadow',
  'getent -s evil passwd',
  'last -f /etc/shadow',
  'who /etc/shadow',
  'dmesg -F /etc/shadow',
  'pgrep -F /etc/shadow',
  'findmnt -F /etc/shadow',
  'lsusb -D /etc/shadow',
  // mounts
  'mount /dev/sdb1 /mnt',
  'mount -a',
  'mount -t nfs server:/x /mnt',
  'mount -o remount,rw /',
  // dmesg clears and console levels
  'dmesg -c',
  'dmesg -C',
  'dmesg --clear',
  'dmesg -D',
  'dmesg -n 1',
  'dmesg -Tc',
  // crontab edits
  'crontab -e',
  'crontab -r',
  'crontab /tmp/evil',
  'crontab -u root /tmp/evil',
  'crontab -l -r',
  // lsof caches and supplements
  'lsof +m',
  'lsof -D b',
  'lsof -k /tmp/x',
  'lsof -i :80 +m',
  // interactive forms, command runners
  'numactl --interleave=all ls',
  'numactl ls',
  'slabtop',
  'iotop',
  'pidstat -e /bin/sh -c id',
  'sar -o /tmp/out 1 3',
  // storage that changes
  'mdadm --stop /dev/md0',
  'mdadm /dev/md0 --fail /dev/sda',
  'mdadm --zero-superblock /dev/sda',
  'smartctl -t long /dev/sda',
  'smartctl -s on /dev/sda',
  'smartctl -a /dev/sda -t short',
  'smartctl -B /tmp/drivedb.h -a /dev/sda',
  "lvs --config 'global{locking_type=0}'",
  'zpool scrub tank',
  'zfs set compression=on tank',
  'zfs destroy tank/x',
  'lspci -xxx',
  // packages
  'dpkg -i /tmp/evil.deb',
  'dpkg --purge nginx',
  'dpkg --root=/mnt -l',
  'rpm -i evil.rpm',
  'rpm -e nginx',
  "rpm --eval '%(id)'",
  "rpm -qa --pipe 'sh'",
  'rpm -q --rcfile /tmp/rc nginx',
  "rpm --qf '%(id)' -qa",
  'apt install nginx',
  'apt -o APT::Update::Pre-Invoke::=id list',
  'apt-cache -c /tmp/apt.conf show nginx',
  // time sync, supervisors, ceph
  'chronyc makestep',
  'chronyc -m tracking makestep',
  'chronyc -f /tmp/conf tracking',
  'chronyc',
  'chronyc -h evil.example.com tracking',
  'echo makestep | chronyc',
  "ntpq -c ':config restrict default'",
  'ntpq -i',
  'ntpq -p evil.example.com',
  'supervisorctl stop all',
  'supervisorctl -c /tmp/evil.conf status',
  'supervisorctl',
  'supervisorctl -s http://evil.example.com:9001 status',
  'ceph osd out 1',
  'ceph auth get client.admin',
  'ceph config-key get x',
  'ceph -c /tmp/ceph.conf status',
  'ceph -k /tmp/keyring status',
  "echo 'osd out 1' | ceph",
  // services
  'service nginx restart',
  'service nginx',
  'service --full-restart nginx',
  'service nginx status extra',
  // not declared at all
  'needrestart',
  'pkill nginx',
  'journalctl -u nginx > /tmp/out',
];

describe('the system family', () => {
  test('every declaration validates against the grammar schema', () => {
    for (const grammar of SYSTEM) expect(() => ToolGrammarSchema.parse(grammar)).not.toThrow();
  });

  test.each(SAFE)('runs unattended in production: %s', async (command) => {
    const assessment = await assessCommand(command, 'production');
    expect(`${assessment.decision} ${assessment.reason}`).toMatch(/^auto /);
  });

  test.each([...SAFE, ...GRAMMAR_SAFE])('the grammar reads it as read-only: %s', async (command) => {
    const verdict = await grammarVerdict(command);
    expect(`${verdict.kind} ${verdict.reason}`).toMatch(/^read /);
  });

  test.each(HARMFUL)('waits for a human in every environment: %s', async (command) => {
    for (const environment of ENVIRONMENTS) {
      const assessment = await assessCommand(command, environment);
      expect(`${environment} ${assessment.decision}`).not.toMatch(/ (auto|notify)$/);
    }
    // The grammar alone refuses it, whatever the harm classifier says.
    expect((await grammarVerdict(command)).kind).not.toBe('read');
  });

  test.each([
    ['systemctl --signal KILL kill nginx', /'--signal'/],
    ['journalctl --vacuum-time=1d', /'--vacuum-time'/],
    ['ps auxe', /'auxe'/],
    ['hostname evil', /'evil'/],
    ['sysctl kernel.x=1', /'kernel\.x=1'/],
    ['getent shadow', /'shadow' is not a subcommand/],
    ['top -n 1', /only with -b or --batch-mode/],
    ['mount /dev/sdb1 /mnt', /'\/dev\/sdb1'/],
    ['systemctl show-environment', /environment/],
    ['last -f /etc/shadow', /credential material/],
    ['ps -e -u xe', /-u 'xe' is not a valid ps-user/],
    ['dmesg -c', /'-c'/],
  ])('the refusal of %s names what it did not recognise', async (command, reason) => {
    const verdict = await grammarVerdict(command);
    expect(verdict.kind).not.toBe('read');
    expect(verdict.reason).toMatch(reason);
  });
});

/**
 * ps reads an argv it cannot use a second time as BSD options, where `-e` is `e` (print
 * environments). These accepted forms make the first reading fail (unknown users, conflicting
 * formats, threads with forests): run against the real ps, none may print a process's environment.
 */
const PS_SECOND_PASS: string[] = [
  'ps -e -u no-such-user',
  'ps -e -u gitlab_runner',
  'ps -ef -u root,nosuchuser1',
  'ps -e -u www-data',
  'ps -e -u tomcat',
  'ps -ef -o args -u 0',
  'ps -ef -o args -p 1',
  'ps -ef -o args --sort=pid',
  'ps -ef -o args --no-headers',
  'ps -ef -o args -t nosuchtty',
  'ps -eLf --forest',
  'ps -eH -L',
  'ps -ej -o comm',
  'ps -el -o comm',
  'ps -eZ -o comm',
  'ps -ely',
  'ps -ef -o args -w',
  'ps -eo pid=X --format pid,comm= --pid 1',
  'ps -e -o comm -C sleep',
  'ps -e -G nosuchgroup',
  'ps -ef -o badkeyword',
  'ps -e --sort=badkey',
  'ps -e --headers --no-headers',
  'ps -ef x -o args',
  'ps -eo args aux',
];

describe('ps never prints environments through its second (BSD) parse', () => {
  const marker = `aals${process.pid}envmarker`;
  let sleeper: ChildProcess | undefined;
  const procps = spawnSync('ps', ['--version'], { encoding: 'utf8' }).stdout?.includes('procps') ?? false;

  beforeAll(() => {
    if (procps)
      sleeper = spawn('sleep', ['60'], { env: { ...process.env, AALS_MARK: marker }, stdio: 'ignore' });
  });
  afterAll(() => {
    sleeper?.kill();
  });

  test.each(PS_SECOND_PASS)('%s', async (command) => {
    expect((await grammarVerdict(command)).kind).toBe('read');
    if (!procps) return;
    const out = spawnSync('ps', command.split(' ').slice(1), {
      encoding: 'utf8',
      env: { ...process.env, AALS_MARK: marker },
    });
    expect(`${out.stdout}${out.stderr}`).not.toContain(marker);
  });

  test('the marker is visible when the environment is asked for (the check can fail)', () => {
    if (!procps) return;
    const out = spawnSync('ps', ['-eTf', '--forest'], { encoding: 'utf8' });
    expect(out.stdout).toContain(marker);
  });
});
