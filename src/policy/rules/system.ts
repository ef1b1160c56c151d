import { parseArgs } from '../args.js';
import { change, destroy, type ProgramRule, read } from '../verdict.js';
import { bySubcommand, readUnless } from './helpers.js';

/** Services, logs, packages, power and storage management. */

const POWER_TARGETS = /^(rescue|emergency|poweroff|reboot|halt|kexec)(\.target)?$/;

const systemctl: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-t',
      '--type',
      '-p',
      '--property',
      '-n',
      '--lines',
      '-o',
      '--output',
      '--state',
      '-H',
      '--host',
      '-M',
      '--machine',
      '-s',
      '--signal',
      '--kill-whom',
      '--kill-value',
      '--root',
      '--job-mode',
      '--what',
      '--timestamp',
      '--message',
      '--when',
      '--image',
      '--drop-in',
      '--boot-loader-entry',
      '--boot-loader-menu',
      '--reboot-argument',
    ],
  });
  if (args.has('-H', '--host', '-M', '--machine'))
    return { effect: 'hidden', reason: 'systemctl -H/-M acts on another host or container', deny: true };
  return bySubcommand({
    withValue: [],
    read: [
      'status',
      'show',
      'cat',
      'list-units',
      'list-unit-files',
      'list-sockets',
      'list-timers',
      'list-jobs',
      'list-dependencies',
      'list-machines',
      'list-automounts',
      'list-paths',
      'is-active',
      'is-enabled',
      'is-failed',
      'is-system-running',
      'get-default',
      'show-environment',
      'help',
    ],
    destroy: {
      reboot: 'restarts the host',
      poweroff: 'turns the host off',
      halt: 'halts the host',
      kexec: 'reboots into another kernel',
      'soft-reboot': 'restarts userspace',
      emergency: 'drops the host to emergency mode',
      rescue: 'drops the host to rescue mode',
      suspend: 'suspends the host',
      hibernate: 'hibernates the host',
      'hybrid-sleep': 'suspends the host',
      'suspend-then-hibernate': 'suspends the host',
    },
    refine: (subcommand, operands) =>
      subcommand === 'isolate' && operands.some((o) => POWER_TARGETS.test(o))
        ? destroy(`systemctl isolate ${operands.join(' ')} stops every service`)
        : null,
  })({ ...ctx, args: args.operands });
};

const service: ProgramRule = (ctx) => {
  if (ctx.args.includes('--status-all')) return read('service --status-all only reads');
  const action = ctx.args[1];
  if (action === undefined || action === 'status') return read('service status only reads');
  return change(`service ${ctx.args.join(' ')} changes a service`);
};

const journalctl = readUnless(
  [
    '--vacuum-size',
    '--vacuum-time',
    '--vacuum-files',
    '--rotate',
    '--flush',
    '--sync',
    '--relinquish-var',
    '--smart-relinquish-var',
    '--setup-keys',
    '--update-catalog',
  ],
  'deletes, rotates or moves journal files',
);

const dmesg = readUnless(
  [
    '-c',
    '--read-clear',
    '-C',
    '--clear',
    '-D',
    '--console-off',
    '-E',
    '--console-on',
    '-n',
    '--console-level',
  ],
  'clears the ring buffer or changes console logging',
  {
    withValue: [
      '-f',
      '--facility',
      '-l',
      '--level',
      '-s',
      '--buffer-size',
      '-F',
      '--file',
      '--since',
      '--until',
    ],
  },
);

const mount: ProgramRule = (ctx) =>
  ctx.args.every((a) => ['-l', '--show-labels', '-v'].includes(a) || a.startsWith('-t'))
    ? read('mount lists mounts')
    : change('mount changes mounts');

const power =
  (what: string): ProgramRule =>
  (ctx) =>
    ctx.name === 'shutdown' && ctx.args.includes('-c')
      ? change('shutdown -c cancels a pending shutdown')
      : destroy(`${ctx.name} ${what}`);

const init: ProgramRule = (ctx) => {
  const level = ctx.args.find((a) => !a.startsWith('-'));
  if (level === '0' || level === '6' || level === '1' || level === 's' || level === 'S')
    return destroy(`${ctx.name} ${level} stops the host's services (halt, reboot or single-user)`);
  return change(`${ctx.name} changes the run level`);
};

const settingsCtl = (readVerbs: string[]) =>
  bySubcommand({ withValue: ['-H', '--host', '-M', '--machine'], read: ['status', 'show', ...readVerbs] });

const packages = (readVerbs: string[]) =>
  bySubcommand({ withValue: ['-c', '-o', '--option', '-t'], read: readVerbs });

const dpkg: ProgramRule = (ctx) =>
  parseArgs(ctx.args).options.every((o) =>
    [
      '-l',
      '--list',
      '-L',
      '--listfiles',
      '-s',
      '--status',
      '-S',
      '--search',
      '-p',
      '--print-avail',
      '-W',
      '--show',
      '-C',
      '--audit',
      '--get-selections',
      '--print-architecture',
      '--version',
    ].includes(o.name),
  ) && ctx.args.length > 0
    ? read('dpkg queries packages')
    : change('dpkg changes installed packages');

const rpm: ProgramRule = (ctx) =>
  ctx.args.some((a) => /^-[a-zA-Z]*q/.test(a) || a === '--query' || a === '-V' || a === '--verify')
    ? read('rpm queries packages')
    : change('rpm changes installed packages');

const git: ProgramRule = (ctx) => {
  // `git -c core.pager=…` and friends can make git run any program.
  const args = parseArgs(ctx.args, {
    withValue: ['-C', '--git-dir', '--work-tree', '--namespace', '-c', '--config-env', '--exec-path'],
    stopAtOperand: true,
  });
  if (args.has('-c', '--config-env', '--exec-path'))
    return { effect: 'hidden', reason: 'git -c can make git run other programs', deny: true };
  const [subcommand, ...rest] = args.rest;
  const sub = parseArgs(rest, {
    withValue: ['-n', '--max-count', '--format', '--pretty', '--since', '--until', '--author'],
  });
  if (sub.has('--output', '--ext-diff', '--exec', '--upload-pack'))
    return change(`git ${subcommand} writes files or runs helpers`);
  const reads = [
    'status',
    'log',
    'show',
    'diff',
    'blame',
    'rev-parse',
    'describe',
    'ls-files',
    'ls-tree',
    'shortlog',
    'reflog',
    'cat-file',
    'grep',
    'version',
    'whatchanged',
  ];
  if (subcommand !== undefined && reads.includes(subcommand)) return read(`git ${subcommand} only reads`);
  if (subcommand === 'branch' || subcommand === 'tag' || subcommand === 'remote' || subcommand === 'stash') {
    const listing = sub.operands.length === 0 || (subcommand === 'stash' && sub.operands[0] === 'list');
    if (listing && !sub.has('-d', '-D', '--delete', '-m', '-M', '--move', '-f', '--force'))
      return read(`git ${subcommand} lists`);
  }
  return change(`git ${subcommand ?? ''} changes the repository`.trim());
};

/** Daemons with a "check the config and exit" mode. */
const configCheck =
  (flags: string[]): ProgramRule =>
  (ctx) =>
    ctx.args.length > 0 &&
    ctx.args.every(
      (a) => flags.includes(a) || !a.startsWith('-') || a.startsWith('-f') || a.startsWith('-c'),
    ) &&
    ctx.args.some((a) => flags.includes(a))
      ? read(`${ctx.name} checks its configuration`)
      : change(`${ctx.name} starts or signals the daemon`);

const smartctl = readUnless(
  ['-t', '--test', '-s', '--smart', '-o', '--offlineauto', '-S', '--saveauto', '-X', '--abort', '--set'],
  'starts a self-test or changes drive settings',
  {
    withValue: [
      '-d',
      '--device',
      '-T',
      '--tolerance',
      '-b',
      '--badsum',
      '-r',
      '--report',
      '-n',
      '--nocheck',
      '-f',
      '--format',
      '-l',
      '--log',
      '-v',
      '--vendorattribute',
      '-F',
      '--firmwarebug',
      '-P',
      '--presets',
      '-B',
      '--drivedb',
    ],
  },
);

const storage = (readVerbs: string[], destroyVerbs: Record<string, string>) =>
  bySubcommand({ withValue: ['-o', '-t', '-s', '-S'], read: readVerbs, destroy: destroyVerbs });

const userDelete: ProgramRule = (ctx) =>
  destroy(`${ctx.name} deletes an account (and with -r its home and mail)`);

export const SYSTEM_RULES: Record<string, ProgramRule> = {
  systemctl,
  service,
  journalctl,
  dmesg,
  mount,
  umount: () => change('umount detaches a file system'),
  swapoff: () => change('swapoff disables swap'),
  reboot: power('restarts the host'),
  shutdown: power('turns the host off'),
  halt: power('halts the host'),
  poweroff: power('turns the host off'),
  init,
  telinit: init,
  kexec: (ctx) =>
    ctx.args.includes('-e') || ctx.args.includes('--exec')
      ? destroy('kexec -e reboots into another kernel')
      : change('kexec loads a kernel'),
  timedatectl: settingsCtl(['list-timezones', 'timesync-status', 'show-timesync']),
  hostnamectl: settingsCtl([]),
  localectl: settingsCtl(['list-locales', 'list-keymaps']),
  loginctl: settingsCtl([
    'list-sessions',
    'list-users',
    'list-seats',
    'session-status',
    'user-status',
    'seat-status',
    'show-session',
    'show-user',
    'show-seat',
  ]),
  'systemd-analyze': bySubcommand({
    read: [
      'time',
      'blame',
      'critical-chain',
      'dot',
      'dump',
      'plot',
      'unit-paths',
      'verify',
      'security',
      'calendar',
      'timespan',
      'timestamp',
      'syscall-filter',
      'log-level',
      'log-target',
      'condition',
    ],
  }),
  'systemd-cgls': (ctx) => read(`${ctx.name} only reads`),
  'systemd-cgtop': readUnless([], ''),
  apt: packages(['list', 'show', 'search', 'policy', 'depends', 'rdepends', 'showsrc', 'changelog']),
  'apt-cache': packages([
    'show',
    'showpkg',
    'showsrc',
    'search',
    'policy',
    'depends',
    'rdepends',
    'madison',
    'stats',
    'pkgnames',
    'dump',
  ]),
  'apt-get': packages(['check', 'changelog']),
  yum: packages([
    'list',
    'info',
    'search',
    'provides',
    'whatprovides',
    'repolist',
    'check-update',
    'history',
    'deplist',
    'updateinfo',
  ]),
  dnf: packages([
    'list',
    'info',
    'search',
    'provides',
    'repolist',
    'check-update',
    'history',
    'repoquery',
    'updateinfo',
  ]),
  dpkg,
  'dpkg-query': (ctx) => read(`${ctx.name} queries packages`),
  rpm,
  snap: packages(['list', 'info', 'find', 'version', 'services', 'changes', 'connections']),
  git,
  nginx: configCheck(['-t', '-T', '-v', '-V']),
  apachectl: (ctx) =>
    ['-t', '-S', '-M', '-v', '-V', 'configtest', '-D'].includes(ctx.args[0] ?? '')
      ? read('apachectl checks its configuration')
      : change('apachectl controls the server'),
  apache2ctl: (ctx) =>
    ['-t', '-S', '-M', '-v', '-V', 'configtest'].includes(ctx.args[0] ?? '')
      ? read('apache2ctl checks its configuration')
      : change('apache2ctl controls the server'),
  haproxy: configCheck(['-c', '-v', '-vv']),
  sshd: configCheck(['-t', '-T']),
  'named-checkconf': (ctx) => read(`${ctx.name} checks a configuration`),
  'named-checkzone': (ctx) => read(`${ctx.name} checks a zone`),
  visudo: (ctx) =>
    ctx.args.includes('-c') || ctx.args.includes('--check')
      ? read('visudo -c checks sudoers')
      : change('visudo edits sudoers'),
  promtool: bySubcommand({ read: ['check', 'query', 'test', 'debug'] }),
  amtool: bySubcommand({
    read: ['check-config', 'alert', 'config'],
    refine: (sub, ops) =>
      sub === 'silence' && ops[0] !== 'query'
        ? change('amtool silence changes silences')
        : sub === 'silence'
          ? read('amtool silence query only reads')
          : null,
  }),
  smartctl,
  iotop: (ctx) =>
    ctx.args.some((a) => /^-\w*b/.test(a) || a === '--batch')
      ? read('iotop -b only reads')
      : change('interactive iotop can renice processes; use iotop -b -n 1'),
  slabtop: (ctx) =>
    ctx.args.some((a) => a === '-o' || a === '--once')
      ? read('slabtop -o only reads')
      : change('interactive slabtop; use slabtop -o'),
  sar: readUnless(['-o'], 'writes its samples to a file', {
    withValue: ['-f', '-i', '-P', '-n', '-I', '-s', '-e', '-m'],
  }),
  userdel: userDelete,
  deluser: userDelete,
  groupdel: userDelete,
  delgroup: userDelete,
  useradd: () => change('useradd creates an account'),
  usermod: () => change('usermod changes an account'),
  passwd: (ctx) =>
    ctx.args.includes('-S') || ctx.args.includes('--status')
      ? read('passwd -S only reads')
      : change('passwd changes a password'),
  lvremove: (ctx) => destroy(`${ctx.name} deletes logical volumes and their data`),
  vgremove: (ctx) => destroy(`${ctx.name} deletes volume groups and their data`),
  pvremove: (ctx) => destroy(`${ctx.name} wipes physical volume labels`),
  lvreduce: (ctx) => destroy(`${ctx.name} shrinks a volume and can cut off data`),
  zpool: storage(['status', 'list', 'iostat', 'get', 'history', 'events'], {
    destroy: 'deletes the pool and its data',
    labelclear: 'wipes pool labels',
  }),
  zfs: storage(['list', 'get', 'holds', 'diff', 'userspace', 'groupspace'], {
    destroy: 'deletes datasets and snapshots',
    rollback: 'throws away changes since the snapshot',
  }),
  mdadm: (ctx) =>
    ctx.args.some((a) => ['--zero-superblock', '--remove', '--fail', '--stop', '-S', '-f', '-r'].includes(a))
      ? destroy('mdadm removes or stops RAID members')
      : ctx.args.some((a) =>
            ['--detail', '-D', '--examine', '-E', '--query', '-Q', '--detail-platform'].includes(a),
          )
        ? read('mdadm only reads')
        : change('mdadm changes RAID arrays'),
  cryptsetup: storage(['status', 'luksDump', 'isLuks', 'luksUUID', 'benchmark', 'tcryptDump'], {
    erase: 'destroys the key slots',
    luksErase: 'destroys the key slots',
    luksFormat: 'formats the device',
  }),
  hdparm: (ctx) =>
    ctx.args.some(
      (a) =>
        a.startsWith('--security-erase') ||
        a.startsWith('--trim') ||
        a === '--fibmap' ||
        a.startsWith('--write'),
    )
      ? destroy('hdparm erases or writes sectors')
      : ctx.args.every((a) => !a.startsWith('-') || ['-I', '-i', '-t', '-T', '-g', '-C', '-B'].includes(a))
        ? read('hdparm only reads')
        : change('hdparm changes drive settings'),
};
