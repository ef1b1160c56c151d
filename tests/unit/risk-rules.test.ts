import { parseArgs, sameOption } from '../../src/policy/args.js';
import { assessCommand } from '../../src/policy/assessor.js';
import { isCriticalPath, isDataPath, isDevice, normalizePath } from '../../src/policy/paths.js';
import { classifySql } from '../../src/policy/sql.js';

/** The pieces the program rules stand on: option parsing, paths, SQL, and rules the table does not reach. */

describe('option parsing', () => {
  test('short clusters, values attached or next, long options with =, and --', () => {
    const args = parseArgs(['-sSLo', 'out', '-H', 'x: y', '--data=a', '--', '-v'], {
      withValue: ['-o', '-H', '--data'],
    });
    expect(args.options.map((o) => [o.name, o.value])).toEqual([
      ['-s', null],
      ['-S', null],
      ['-L', null],
      ['-o', 'out'],
      ['-H', 'x: y'],
      ['--data', 'a'],
    ]);
    expect(args.operands).toEqual(['-v']);
  });

  test('options after operands count (GNU permutation)', () => {
    expect(parseArgs(['/', '-rf']).has('-r')).toBe(true);
  });

  test('abbreviated long options match the full name', () => {
    expect(sameOption('--out', '--output')).toBe(true);
    expect(sameOption('--vacuum-s', '--vacuum-size')).toBe(true);
    expect(sameOption('--', '--output')).toBe(false);
    expect(sameOption('-o', '--output')).toBe(false);
  });

  test('attached-only values never swallow the next word', () => {
    const args = parseArgs(['-psecret', '-e', 'SHOW TABLES'], { withValue: ['-e'], attachedValue: ['-p'] });
    expect(args.values('-e')).toEqual(['SHOW TABLES']);
    expect(args.values('-p')).toEqual(['secret']);
  });

  test('stopAtOperand leaves the inner command alone', () => {
    const args = parseArgs(['-u', 'root', 'rm', '-rf', '/'], { withValue: ['-u'], stopAtOperand: true });
    expect(args.rest).toEqual(['rm', '-rf', '/']);
  });
});

describe('paths', () => {
  test.each([
    ['/', true],
    ['/*', true],
    ['/etc', true],
    ['/var/log', true],
    ['/home/alice', true],
    ['/var/*/x', true],
    ['/var/lib/mysql/data', true],
    ['/var/lib/../../', true],
    ['~', true],
    ['.', true],
    ['*', true],
    ['../..', true],
    ['/tmp', true],
    ['/tmp/build', false],
    ['/tmp/*', false],
    ['/var/tmp/x', false],
    ['/var/log/nginx', false],
    ['/srv/app/releases/41', false],
    ['build', false],
  ])('isCriticalPath(%j) is %s', (path, expected) => {
    expect(isCriticalPath(path)).toBe(expected);
  });

  test('normalisation, devices and data directories', () => {
    expect(normalizePath('//usr/./bin/../bin/rm')).toBe('/usr/bin/rm');
    expect(isDevice('/dev/sda')).toBe(true);
    expect(isDevice('/dev/nvme0n1p1')).toBe(true);
    expect(isDevice('/dev/null')).toBe(false);
    expect(isDataPath('/data/kafka/logs')).toBe(true);
    expect(isDataPath('/database')).toBe(false);
  });
});

describe('SQL', () => {
  test.each([
    ['SELECT * FROM users WHERE id = 1', 'read'],
    ["select 'DROP TABLE x' as s", 'read'],
    ['SHOW PROCESSLIST', 'read'],
    ['\\dt+', 'read'],
    ['EXPLAIN SELECT 1', 'read'],
    ['WITH d AS (DELETE FROM x RETURNING *) SELECT * FROM d', 'change'],
    ['SELECT pg_terminate_backend(42)', 'change'],
    ['SELECT * INTO backup FROM users', 'change'],
    ['UPDATE users SET name = 1 WHERE id = 2', 'change'],
    ['CREATE INDEX CONCURRENTLY i ON t (c)', 'change'],
    ['DROP DATABASE app', 'destroy'],
    ['drop table if exists x', 'destroy'],
    ['TRUNCATE payments', 'destroy'],
    ['DELETE FROM sessions', 'destroy'],
    ['UPDATE users SET admin = true', 'destroy'],
    ['ALTER TABLE users DROP COLUMN email', 'destroy'],
    ['SELECT 1; DROP TABLE x', 'destroy'],
    ["COPY t TO PROGRAM 'sh -c id'", 'hidden'],
    ['\\! rm -rf /', 'hidden'],
  ])('%j → %s', (sql, effect) => {
    expect(classifySql(sql).effect).toBe(effect);
  });
});

describe('program rules beyond the table', () => {
  test.each([
    ['systemctl list-timers --all', 'READ_ONLY'],
    ['systemctl isolate rescue.target', 'CRITICAL'],
    ['systemctl mask nginx', 'HIGH_RISK'],
    ['journalctl --vacuum-size=1G', 'HIGH_RISK'],
    ['dmesg -c', 'HIGH_RISK'],
    ['curl -X DELETE http://localhost:9200/logs-2024', 'HIGH_RISK'],
    ['curl -d @body.json http://api', 'HIGH_RISK'],
    ['curl gopher://127.0.0.1:6379/_FLUSHALL', 'HIGH_RISK'],
    ['wget --spider https://example.com', 'HIGH_RISK'], // an outside host: never unattended
    ['wget --spider http://localhost:8080/healthz', 'READ_ONLY'],
    ['kubectl delete deploy api --all', 'CRITICAL'],
    ['kubectl delete crd certificates.cert-manager.io', 'CRITICAL'],
    ['kubectl config use-context prod', 'HIGH_RISK'],
    ['kubectl auth can-i delete pods', 'READ_ONLY'],
    ['docker compose logs --tail 50 web', 'READ_ONLY'],
    ['docker compose down -v', 'CRITICAL'],
    ['docker volume rm pgdata', 'CRITICAL'],
    ['helm status api', 'READ_ONLY'],
    ['redis-cli -n 2 FLUSHDB', 'CRITICAL'],
    ['redis-cli config get maxmemory', 'READ_ONLY'],
    ['redis-cli del session:1', 'HIGH_RISK'],
    ['etcdctl get /registry --prefix --keys-only', 'HIGH_RISK'], // get is not in the read-only grammar
    ['etcdctl endpoint health', 'READ_ONLY'],
    ['rabbitmqctl list_queues name messages', 'READ_ONLY'],
    ['rabbitmqctl purge_queue jobs', 'CRITICAL'],
    ['kafka-topics.sh --bootstrap-server k:9092 --list', 'HIGH_RISK'], // k is not an internal host
    ['kafka-topics.sh --bootstrap-server localhost:9092 --list', 'READ_ONLY'],
    ['kafka-topics --bootstrap-server k:9092 --delete --topic t', 'CRITICAL'],
    ['mongosh --quiet --eval "db.serverStatus().connections"', 'HIGH_RISK'], // JavaScript: not provable
    ['mongosh --eval "db.dropDatabase()"', 'CRITICAL'],
    ['pg_dump app', 'HIGH_RISK'], // prints every row, credentials included
    ['pg_dump -f /tmp/app.sql app', 'HIGH_RISK'],
    ['iptables -D INPUT 3', 'HIGH_RISK'],
    ['ufw reset', 'CRITICAL'],
    ['ip addr flush dev eth0', 'CRITICAL'],
    ['ip netns list', 'READ_ONLY'],
    ['ping -f 10.0.0.1', 'HIGH_RISK'],
    ['tar tzf backup.tgz', 'READ_ONLY'],
    ['tar xzf backup.tgz -C /srv', 'HIGH_RISK'],
    ['gzip -c app.log', 'HIGH_RISK'], // a relative path is in the home directory
    ['gzip -c /var/log/app.log.1.gz', 'READ_ONLY'],
    ['gzip app.log', 'HIGH_RISK'],
    ['hostname new-name', 'HIGH_RISK'],
    ['sysctl net.core.somaxconn', 'READ_ONLY'],
    ['sysctl net.core.somaxconn=4096', 'HIGH_RISK'],
    ['git status', 'HIGH_RISK'], // a repository's own config can run programs (core.fsmonitor)
    ['git reset --hard HEAD~1', 'HIGH_RISK'],
    ['fdisk -l', 'READ_ONLY'],
    ['parted -s /dev/sda rm 1', 'CRITICAL'],
    ['dpkg -l nginx', 'READ_ONLY'],
    ['apt-get upgrade -y', 'HIGH_RISK'],
    ['kill -l', 'READ_ONLY'], // listing signal names; a PID never fits the grammar
    ['kill -l 1234', 'HIGH_RISK'],
    ['kill 1', 'CRITICAL'],
    ['pkill -9 .', 'CRITICAL'],
    ['python3 -m json.tool /tmp/x.json', 'HIGH_RISK'], // interpreters are never read-only
    ['python3 --version', 'HIGH_RISK'],
    ['less /var/log/syslog', 'HIGH_RISK'],
    ['vim /etc/hosts', 'HIGH_RISK'],
    ['unknown-tool --help', 'HIGH_RISK'],
  ])('%j in production → %s', async (command, risk) => {
    expect((await assessCommand(command, 'production')).risk).toBe(risk);
  });

  test.each([
    'awk \'{print $1 > "/tmp/x"}\' f',
    'awk \'{ "date" | getline d; print d }\' f',
    "sed 'e id' f",
    "sed '1r /etc/shadow' f",
    'sort --compress-program=sh f',
    'rg --pre ./x pattern',
    'tcpdump -z ./x -w /tmp/c -G 1',
    'env -S "rm -rf /"',
    'xargs -I{} sh -c "echo {}"',
    'docker exec api sh -c id',
    'systemd-run rm -rf /tmp/x',
    'git -c core.sshCommand=id fetch',
    'ssh -o ProxyCommand=id host',
    'FOO=$(id) ls',
    'ls > /tmp/$X',
  ])('%j is denied', async (command) => {
    expect((await assessCommand(command, 'development')).decision).toBe('denied');
  });
});
