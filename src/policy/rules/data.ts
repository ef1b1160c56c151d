import { parseArgs } from '../args.js';
import { classifySql } from '../sql.js';
import {
  change,
  deny,
  destroy,
  type ProgramContext,
  type ProgramRule,
  read,
  type Verdict,
} from '../verdict.js';

/** Database and queue clients: the statement they are given decides. */

/** SQL from options, else from a here-document; SQL piped in from another program cannot be seen. */
function sqlClient(spec: {
  withValue: string[];
  sqlOptions: string[];
  fileOptions: string[];
  attachedValue?: string[];
  positionalSql?: number;
}): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, { withValue: spec.withValue, attachedValue: spec.attachedValue ?? [] });
    const statements = args.values(...spec.sqlOptions);
    if (spec.positionalSql !== undefined && args.operands[spec.positionalSql] !== undefined)
      statements.push(args.operands[spec.positionalSql] as string);
    const verdicts: Verdict[] = statements.map(classifySql);
    if (args.has(...spec.fileOptions))
      verdicts.push(change(`${ctx.name} runs a SQL file the policy cannot see`));
    if (ctx.stdin === 'text' && ctx.stdinText !== null) verdicts.push(classifySql(ctx.stdinText));
    else if (statements.length === 0 && ctx.stdin !== 'none')
      verdicts.push(deny('hidden', `${ctx.name} would run SQL from its input, which the policy cannot see`));
    if (verdicts.length === 0) verdicts.push(onlyConnects(ctx, args.has('-l', '--list')));
    return verdicts;
  };
}

function onlyConnects(ctx: ProgramContext, listing: boolean): Verdict {
  return listing
    ? read(`${ctx.name} -l lists databases`)
    : change(`${ctx.name} opens an interactive session`);
}

const psql = sqlClient({
  withValue: [
    '-c',
    '--command',
    '-f',
    '--file',
    '-d',
    '--dbname',
    '-h',
    '--host',
    '-p',
    '--port',
    '-U',
    '--username',
    '-v',
    '--set',
    '--variable',
    '-o',
    '--output',
    '-L',
    '--log-file',
    '-F',
    '--field-separator',
    '-R',
    '--record-separator',
    '-P',
    '--pset',
    '-T',
  ],
  sqlOptions: ['-c', '--command'],
  fileOptions: ['-f', '--file', '-o', '--output', '-L', '--log-file'],
});

const mysql = sqlClient({
  withValue: [
    '-e',
    '--execute',
    '-h',
    '--host',
    '-P',
    '--port',
    '-u',
    '--user',
    '-D',
    '--database',
    '-S',
    '--socket',
    '--defaults-file',
    '--defaults-extra-file',
    '--init-command',
    '--tee',
    '--pager',
  ],
  attachedValue: ['-p'],
  sqlOptions: ['-e', '--execute', '--init-command'],
  fileOptions: ['--tee', '--pager', '--defaults-file', '--defaults-extra-file'],
});

const sqlite3 = sqlClient({
  withValue: ['-cmd', '-separator', '-init'],
  sqlOptions: ['-cmd'],
  fileOptions: ['-init'],
  positionalSql: 1,
});

const clickhouse = sqlClient({
  withValue: [
    '-q',
    '--query',
    '-h',
    '--host',
    '--port',
    '-u',
    '--user',
    '--password',
    '-d',
    '--database',
    '--queries-file',
    '--format',
  ],
  sqlOptions: ['-q', '--query'],
  fileOptions: ['--queries-file'],
});

const REDIS_READ = new Set([
  'PING',
  'INFO',
  'GET',
  'MGET',
  'STRLEN',
  'EXISTS',
  'TTL',
  'PTTL',
  'TYPE',
  'KEYS',
  'SCAN',
  'HGET',
  'HGETALL',
  'HKEYS',
  'HVALS',
  'HLEN',
  'HMGET',
  'HSCAN',
  'HEXISTS',
  'LRANGE',
  'LLEN',
  'LINDEX',
  'SMEMBERS',
  'SCARD',
  'SISMEMBER',
  'SSCAN',
  'ZRANGE',
  'ZCARD',
  'ZSCORE',
  'ZSCAN',
  'ZRANK',
  'ZREVRANGE',
  'ZRANGEBYSCORE',
  'ZCOUNT',
  'XLEN',
  'XINFO',
  'XRANGE',
  'XREVRANGE',
  'XPENDING',
  'DBSIZE',
  'LASTSAVE',
  'TIME',
  'ROLE',
  'COMMAND',
  'OBJECT',
  'PUBSUB',
  'ECHO',
  'LOLWUT',
  'RANDOMKEY',
  'GETRANGE',
  'BITCOUNT',
  'PFCOUNT',
  'GEOPOS',
  'GEODIST',
  'DUMP',
]);
/** Redis commands with a read-only first subcommand. */
const REDIS_SUB_READ: Record<string, string[]> = {
  CONFIG: ['GET'],
  CLIENT: ['LIST', 'INFO', 'GETNAME', 'ID'],
  SLOWLOG: ['GET', 'LEN'],
  LATENCY: ['LATEST', 'HISTORY', 'DOCTOR', 'GRAPH', 'HISTOGRAM'],
  MEMORY: ['USAGE', 'STATS', 'DOCTOR', 'MALLOC-STATS'],
  CLUSTER: ['INFO', 'NODES', 'SLOTS', 'SHARDS', 'MYID', 'COUNTKEYSINSLOT', 'KEYSLOT'],
  MODULE: ['LIST'],
  ACL: ['WHOAMI', 'LIST', 'USERS', 'CAT', 'GETUSER', 'LOG'],
  SENTINEL: [
    'MASTERS',
    'MASTER',
    'REPLICAS',
    'SLAVES',
    'SENTINELS',
    'GET-MASTER-ADDR-BY-NAME',
    'CKQUORUM',
    'INFO-CACHE',
  ],
};

const redisCli: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-h',
      '-p',
      '-s',
      '-a',
      '--user',
      '--pass',
      '-u',
      '-n',
      '-r',
      '-i',
      '-d',
      '-D',
      '--eval',
      '--rdb',
      '--functions-rdb',
      '--pattern',
      '--count',
      '--cacert',
      '--cert',
      '--key',
      '--memkeys-samples',
    ],
  });
  if (args.has('--eval')) return change('redis-cli --eval runs a Lua script');
  if (args.has('--rdb', '--functions-rdb')) return change('redis-cli --rdb writes a dump file');
  if (args.has('--pipe')) return deny('hidden', 'redis-cli --pipe sends commands from its input');
  if (
    args.has(
      '--scan',
      '--bigkeys',
      '--memkeys',
      '--hotkeys',
      '--latency',
      '--latency-history',
      '--latency-dist',
      '--stat',
      '--intrinsic-latency',
    )
  )
    return read('redis-cli only samples');
  const [command, sub] = args.operands.map((o) => o.toUpperCase());
  if (command === undefined)
    return ctx.stdin === 'none'
      ? change('redis-cli opens an interactive session')
      : deny('hidden', 'redis-cli would run commands from its input');
  if (command === 'FLUSHALL' || command === 'FLUSHDB')
    return destroy(`redis-cli ${command} deletes every key`);
  if (command === 'DEBUG' || command === 'SHUTDOWN')
    return destroy(`redis-cli ${command} can crash or stop the server`);
  if (REDIS_READ.has(command) || (sub !== undefined && REDIS_SUB_READ[command]?.includes(sub)))
    return read(`redis-cli ${command} only reads`);
  return change(`redis-cli ${command} changes data or settings`);
};

const etcdctl: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '--endpoints',
      '--cacert',
      '--cert',
      '--key',
      '--user',
      '--password',
      '-w',
      '--write-out',
      '--command-timeout',
      '--dial-timeout',
      '--limit',
      '--rev',
    ],
  });
  const [verb, sub, key] = args.operands;
  if (
    verb === 'del' &&
    ((args.has('--prefix') && (sub === '' || sub === '/')) ||
      (args.has('--from-key') && (sub === '' || sub === '\u0000')))
  )
    return destroy('etcdctl del of every key empties the cluster store');
  const reads: Record<string, string[] | true> = {
    get: true,
    watch: true,
    version: true,
    endpoint: ['health', 'status', 'hashkv'],
    member: ['list'],
    alarm: ['list'],
    check: ['perf', 'datascale'],
    'move-leader': [],
    user: ['list', 'get'],
    role: ['list', 'get'],
    lease: ['list', 'timetolive'],
  };
  const rule = verb === undefined ? true : reads[verb];
  if (rule === true || (Array.isArray(rule) && sub !== undefined && rule.includes(sub)))
    return read(`etcdctl ${verb ?? ''} only reads`.trim());
  return change(`etcdctl ${[verb, sub, key].filter(Boolean).join(' ')} changes the cluster store`);
};

const rabbitmqctl: ProgramRule = (ctx) => {
  const verb = parseArgs(ctx.args, { withValue: ['-n', '--node', '-p', '--vhost', '-t', '--timeout'] })
    .operands[0];
  if (verb === undefined) return read('rabbitmqctl help');
  if (
    ['reset', 'force_reset', 'delete_queue', 'purge_queue', 'delete_vhost', 'forget_cluster_node'].includes(
      verb,
    )
  )
    return destroy(`rabbitmqctl ${verb} deletes queues, messages or cluster state`);
  if (
    /^list_/.test(verb) ||
    [
      'status',
      'cluster_status',
      'environment',
      'report',
      'node_health_check',
      'ping',
      'version',
      'await_startup',
      'list',
    ].includes(verb)
  )
    return read(`rabbitmqctl ${verb} only reads`);
  return change(`rabbitmqctl ${verb} changes the broker`);
};

const kafkaTool =
  (readFlags: string[]): ProgramRule =>
  (ctx) => {
    const args = parseArgs(ctx.args, {
      withValue: [
        '--bootstrap-server',
        '--topic',
        '--group',
        '--command-config',
        '--partitions',
        '--replication-factor',
        '--config',
        '--to-offset',
        '--zookeeper',
      ],
    });
    if (args.has('--delete', '--delete-offsets'))
      return destroy(`${ctx.name} --delete deletes topics, groups or offsets`);
    if (args.has('--execute') || args.has('--create', '--alter'))
      return change(`${ctx.name} changes the cluster`);
    if (args.has(...readFlags) || args.has('--reset-offsets', '--dry-run'))
      return read(`${ctx.name} only reads`);
    return change(`${ctx.name} changes the cluster`);
  };

const MONGO_DESTROY = /\b(dropDatabase|drop)\s*\(|\b(deleteMany|remove)\s*\(\s*\{\s*\}\s*\)/;
const MONGO_WRITES =
  /\b(insert\w*|update\w*|delete\w*|remove|drop\w*|create\w*|rename\w*|shutdown\w*|kill\w*|runCommand|adminCommand|eval|load|fsync\w*|compact|repair\w*|stepDown|reconfig|grant\w*|revoke\w*|save|bulkWrite|findAndModify|findOneAnd\w+|reIndex|convertToCapped|hideIndex|unhideIndex|setProfilingLevel|enableSharding|shardCollection)\b|\$out|\$merge/;

const mongo: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '--eval',
      '--host',
      '--port',
      '-u',
      '--username',
      '-p',
      '--password',
      '--authenticationDatabase',
      '--file',
      '-f',
    ],
  });
  const code = args.values('--eval').join('\n') || (ctx.stdin === 'text' ? (ctx.stdinText ?? '') : '');
  if (args.has('--file', '-f') || args.operands.some((o) => o.endsWith('.js')))
    return change(`${ctx.name} runs a script file`);
  if (code === '')
    return ctx.stdin === 'pipe'
      ? deny('hidden', `${ctx.name} would run code from its input`)
      : change(`${ctx.name} opens an interactive session`);
  if (MONGO_DESTROY.test(code)) return destroy(`${ctx.name} drops or empties collections`);
  if (MONGO_WRITES.test(code)) return change(`${ctx.name} changes data`);
  return read(`${ctx.name} --eval only queries`);
};

const dumpTool =
  (fileOptions: string[]): ProgramRule =>
  (ctx) =>
    parseArgs(ctx.args).has(...fileOptions)
      ? change(`${ctx.name} writes a dump file`)
      : read(`${ctx.name} prints a dump to stdout`);

const mysqladmin: ProgramRule = (ctx) => {
  const verbs = parseArgs(ctx.args, {
    withValue: [
      '-h',
      '--host',
      '-P',
      '--port',
      '-u',
      '--user',
      '-S',
      '--socket',
      '-i',
      '--sleep',
      '-c',
      '--count',
    ],
    attachedValue: ['-p'],
  }).operands;
  if (verbs.some((v) => v === 'drop')) return destroy('mysqladmin drop deletes a database');
  const reads = ['status', 'extended-status', 'processlist', 'variables', 'ping', 'version'];
  return verbs.length > 0 && verbs.every((v) => reads.includes(v))
    ? read('mysqladmin only reads')
    : change('mysqladmin changes the server');
};

export const DATA_RULES: Record<string, ProgramRule> = {
  psql,
  mysql,
  mariadb: mysql,
  sqlite3,
  'clickhouse-client': clickhouse,
  'redis-cli': redisCli,
  'valkey-cli': redisCli,
  etcdctl,
  rabbitmqctl,
  'rabbitmq-diagnostics': (ctx) => read(`${ctx.name} only reads`),
  'kafka-topics': kafkaTool(['--list', '--describe']),
  'kafka-topics.sh': kafkaTool(['--list', '--describe']),
  'kafka-consumer-groups': kafkaTool(['--list', '--describe']),
  'kafka-consumer-groups.sh': kafkaTool(['--list', '--describe']),
  mongosh: mongo,
  mongo,
  pg_dump: dumpTool(['-f', '--file']),
  pg_dumpall: dumpTool(['-f', '--file']),
  mysqldump: dumpTool(['-r', '--result-file', '--tab', '-T']),
  mysqladmin,
  pg_isready: (ctx) => read(`${ctx.name} only checks`),
  pg_lsclusters: (ctx) => read(`${ctx.name} only lists`),
  dropdb: (ctx) => destroy(`${ctx.name} deletes a database`),
  dropuser: (ctx) => destroy(`${ctx.name} deletes a role`),
  pg_dropcluster: (ctx) => destroy(`${ctx.name} deletes a cluster and its data`),
};
