import { parseArgs } from '../args.js';
import { isCriticalPath, isDataPath, isDevice, isSink } from '../paths.js';
import { change, deny, destroy, type ProgramRule, read, show, type Verdict } from '../verdict.js';
import { readUnless } from './helpers.js';

/** Files, disks and archives: what reads, what writes, and what cannot be undone. */

const rm: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['--interactive'] });
  const recursive = args.has('-r', '-R', '--recursive');
  if (args.has('--no-preserve-root')) return destroy('rm --no-preserve-root is allowed to delete /');
  const targets = args.operands;
  const critical = targets.find((t) => (recursive ? isCriticalPath(t) : isDataPath(t) || isDevice(t)));
  if (critical !== undefined)
    return destroy(`rm ${recursive ? '-r ' : ''}on ${show(critical)} deletes system or data files for good`);
  return change(`rm deletes ${targets.map(show).join(' ') || 'files'}`);
};

/** chmod/chown/chgrp -R on a top-level or data directory breaks the host (ssh, sudo, services). */
const recursiveOwnership: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['--reference', '--from'] });
  const recursive = args.has('-R', '--recursive');
  const critical = args.operands.find((t) => (recursive ? isCriticalPath(t) : t === '/'));
  if (critical !== undefined)
    return destroy(
      `${ctx.name}${recursive ? ' -R' : ''} on ${show(critical)} breaks permissions system-wide`,
    );
  return change(`${ctx.name} changes file permissions or ownership`);
};

const wipes =
  (what: string): ProgramRule =>
  (ctx) =>
    destroy(`${ctx.name} ${what}`);

const dd: ProgramRule = (ctx) => {
  const output = ctx.args.find((a) => a.startsWith('of='))?.slice(3);
  if (output === undefined) return change('dd copies raw data');
  if (isDevice(output)) return destroy(`dd of=${output} overwrites a disk`);
  if (isSink(output)) return read('dd of=/dev/null only reads');
  return change(`dd writes ${show(output)}`);
};

/** cp/mv/install onto a disk device overwrites it; moving to /dev/null throws the source away. */
const copy: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '-g'],
  });
  const destination = args.values('-t', '--target-directory')[0] ?? args.operands.at(-1);
  if (destination !== undefined && isDevice(destination))
    return destroy(`${ctx.name} onto ${destination} overwrites a disk`);
  if (ctx.name === 'mv' && destination !== undefined && isSink(destination))
    return destroy(`mv to ${destination} throws the files away`);
  const moved =
    ctx.name === 'mv'
      ? args.operands.slice(0, -1).find((s) => isCriticalPath(s) && s.startsWith('/'))
      : undefined;
  if (moved !== undefined) return destroy(`mv moves ${show(moved)} away: services and data behind it break`);
  return change(`${ctx.name} writes files`);
};

const truncate: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-s', '--size', '-r', '--reference', '-o'] });
  const target = args.operands.find((t) => isDevice(t) || isDataPath(t));
  if (target !== undefined) return destroy(`truncate empties ${show(target)}`);
  return change('truncate changes file sizes');
};

/** Partition tools: listing is fine, anything else rewrites a partition table. */
const PARTITION_LISTING: Record<string, string[]> = {
  fdisk: ['-l', '--list'],
  sfdisk: ['-l', '--list', '-d', '--dump', '-s', '--show-size', '-J', '--json', '-V', '--verify'],
  gdisk: ['-l'],
  sgdisk: ['-p', '--print', '-i', '--info', '-v', '--verify'],
  parted: ['-l', '--list'],
};

const partition: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-u', '--units', '-b', '--sector-size', '-t', '--type'] });
  const printOnly = ctx.name === 'parted' && args.operands.length === 2 && args.operands[1] === 'print';
  if (printOnly || args.has(...(PARTITION_LISTING[ctx.name] ?? [])))
    return read(`${ctx.name} lists partitions`);
  return destroy(`${ctx.name} rewrites a partition table`);
};

const find: ProgramRule = (ctx) => {
  const verdicts: Verdict[] = [];
  const roots: string[] = [];
  let i = 0;
  while (i < ctx.args.length && !/^[-(!]/.test(ctx.args[i] as string)) roots.push(ctx.args[i++] as string);
  for (; i < ctx.args.length; i++) {
    const arg = ctx.args[i] as string;
    if (arg === '-delete') {
      // With a name, age or size test the delete is selective; without one it empties the tree.
      const critical = narrowed(ctx.args) ? undefined : (roots.length ? roots : ['.']).find(isCriticalPath);
      verdicts.push(
        critical !== undefined
          ? destroy(`find ${show(critical)} -delete deletes system or data files for good`)
          : change('find -delete deletes the files it matches'),
      );
    } else if (['-exec', '-execdir', '-ok', '-okdir'].includes(arg)) {
      const end = ctx.args.findIndex((a, j) => j > i && (a === ';' || a === '+'));
      // `{}` is each match: the root itself when nothing narrows the search, else something below it.
      const match = narrowed(ctx.args) ? `${(roots[0] ?? '.').replace(/\/$/, '')}/{}` : (roots[0] ?? '.');
      const inner = ctx.args.slice(i + 1, end === -1 ? undefined : end).map((a) => (a === '{}' ? match : a));
      i = end === -1 ? ctx.args.length : end;
      const innerVerdicts = ctx.inner(inner.length ? inner : ['true'], 'none');
      const writes = innerVerdicts.some((v) => v.effect !== 'read' && v.effect !== 'none');
      verdicts.push(...innerVerdicts);
      if (writes)
        verdicts.push(deny('none', `find ${arg} runs ${show(inner[0] ?? '?')} on every file it matches`));
    } else if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes(arg)) {
      verdicts.push(change(`find ${arg} writes a file`));
    }
  }
  return verdicts.length ? verdicts : read('find only lists files');
};

const NARROWING_TESTS = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-regex',
  '-iregex',
  '-mtime',
  '-mmin',
  '-atime',
  '-amin',
  '-ctime',
  '-cmin',
  '-size',
  '-newer',
  '-user',
  '-uid',
  '-group',
  '-gid',
  '-inum',
  '-samefile',
  '-links',
]);

/** A test that selects some files; `-o`, `!` and `-not` can turn any test into "everything else". */
function narrowed(args: string[]): boolean {
  if (args.some((arg) => arg === '-o' || arg === '-or' || arg === '!' || arg === '-not' || arg === ','))
    return false;
  return args.some((arg, i) => NARROWING_TESTS.has(arg) && !/^[*?]*$/.test(args[i + 1] ?? '*'));
}

const crontab: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-u'] });
  if (args.has('-r')) return destroy('crontab -r deletes the whole crontab without asking');
  if (args.has('-l')) return read('crontab -l only lists');
  return change('crontab replaces the crontab');
};

const gzip: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-S', '--suffix'] });
  if (args.has('-c', '--stdout', '-l', '--list', '-t', '--test'))
    return read(`${ctx.name} writes to stdout only`);
  return change(`${ctx.name} replaces files with their (de)compressed version`);
};

const tar: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-f', '--file', '-C', '--directory', '-T', '-X', '--exclude', '-I'],
  });
  if (
    args.has(
      '--checkpoint-action',
      '--to-command',
      '--use-compress-program',
      '-I',
      '--info-script',
      '-F',
      '--new-volume-script',
      '--rmt-command',
      '--rsh-command',
    )
  )
    return deny('hidden', 'tar is told to run another program');
  // Old-style bundles: `tar tvf x.tar` lists, `tar czf x.tgz dir` writes.
  const bundle = (ctx.args[0] ?? '').replace(/^-/, '');
  const oldStyle = /^[a-zA-Z]+$/.test(bundle) && !(ctx.args[0] ?? '').startsWith('--');
  const list = oldStyle ? bundle.includes('t') && !/[xcruA]/.test(bundle) : args.has('-t', '--list');
  const write = args.has(
    '-x',
    '-c',
    '-r',
    '-u',
    '-A',
    '--extract',
    '--get',
    '--create',
    '--append',
    '--update',
    '--delete',
  );
  return list && !write ? read('tar lists an archive') : change('tar writes files');
};

export const FILE_RULES: Record<string, ProgramRule> = {
  rm,
  unlink: (ctx) =>
    ctx.args.some((a) => isDataPath(a))
      ? destroy('unlink deletes data files')
      : change('unlink deletes a file'),
  rmdir: (ctx) =>
    change(
      `rmdir removes ${ctx.args
        .filter((a) => !a.startsWith('-'))
        .map(show)
        .join(' ')}`,
    ),
  shred: wipes('overwrites files so they cannot be recovered'),
  wipefs: (ctx) =>
    parseArgs(ctx.args, { withValue: ['-t', '--types'] }).has('-a', '--all', '-o', '--offset')
      ? destroy('wipefs erases file system signatures')
      : read('wipefs lists signatures'),
  mke2fs: wipes('creates a file system, erasing the device'),
  mkdosfs: wipes('creates a file system, erasing the device'),
  mkntfs: wipes('creates a file system, erasing the device'),
  mkexfatfs: wipes('creates a file system, erasing the device'),
  newfs: wipes('creates a file system, erasing the device'),
  mkswap: wipes('formats a device as swap'),
  blkdiscard: wipes('discards every block on the device'),
  badblocks: (ctx) =>
    ctx.args.some((a) => /^-\w*[wn]/.test(a))
      ? destroy('badblocks -w overwrites the device')
      : read('badblocks reads the device'),
  dd,
  cp: copy,
  mv: copy,
  install: copy,
  ln: () => change('ln creates links'),
  touch: () => change('touch creates or updates files'),
  mkdir: () => change('mkdir creates directories'),
  truncate,
  chmod: recursiveOwnership,
  chown: recursiveOwnership,
  chgrp: recursiveOwnership,
  chattr: () => change('chattr changes file attributes'),
  setfacl: () => change('setfacl changes ACLs'),
  fdisk: partition,
  sfdisk: partition,
  cfdisk: wipes('rewrites a partition table'),
  gdisk: partition,
  sgdisk: partition,
  parted: partition,
  find,
  crontab,
  gzip,
  gunzip: gzip,
  bzip2: gzip,
  bunzip2: gzip,
  xz: gzip,
  unxz: gzip,
  zstd: gzip,
  tar,
  unzip: (ctx) =>
    parseArgs(ctx.args).has('-l', '-t', '-p', '-v', '-Z')
      ? read('unzip lists an archive')
      : change('unzip writes files'),
  file: readUnless(['-C', '--compile'], 'compiles a magic file'),
};
