import { parseArgs } from '../args.js';
import {
  change,
  deny,
  destroy,
  type ProgramContext,
  type ProgramRule,
  read,
  type Verdict,
} from '../verdict.js';
import { isInterpreter, isShell } from './exec.js';

/** Kubernetes, containers and Helm. */

const KUBECTL_VALUE = [
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--kubeconfig',
  '-s',
  '--server',
  '--user',
  '--token',
  '--as',
  '--as-group',
  '--as-uid',
  '--request-timeout',
  '-v',
  '--v',
  '--cache-dir',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
  '--tls-server-name',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-f',
  '--filename',
  '-c',
  '--container',
  '--field-selector',
  '--sort-by',
  '--since',
  '--since-time',
  '--tail',
  '-L',
  '--label-columns',
  '--template',
  '--timeout',
  '--for',
  '--type',
  '--grace-period',
  '--cascade',
  '--replicas',
  '--image',
  '--subresource',
  '-k',
  '--kustomize',
  '--chunk-size',
  '--max-log-requests',
  '--pod-running-timeout',
  '--show-kind',
  '--dry-run',
  '--field-manager',
  '--to-revision',
  '--revision',
];

const KUBECTL_READ = [
  'get',
  'describe',
  'logs',
  'top',
  'explain',
  'version',
  'api-resources',
  'api-versions',
  'cluster-info',
  'events',
  'diff',
  'wait',
  'kustomize',
  'completion',
];
/** Resource kinds whose deletion loses data or everything inside them. */
const KUBECTL_CRITICAL_KINDS =
  /^(ns|namespaces?|pv|persistentvolumes?|pvc|persistentvolumeclaims?|crd|crds|customresourcedefinitions?(\.apiextensions\.k8s\.io)?|nodes?|no|storageclass(es)?|sc|volumesnapshots?)$/i;

/** `kubectl exec POD -- CMD`: the inner argv runs in a container; a shell there is refused. */
function containerExec(ctx: ProgramContext, inner: string[], what: string): Verdict[] {
  const program = (inner[0] ?? '').slice((inner[0] ?? '').lastIndexOf('/') + 1);
  if (inner.length === 0 || isShell(program) || isInterpreter(program))
    return [deny('hidden', `${what} opens a shell or interpreter inside a container`)];
  return [change(`${what} runs ${program} inside a container`), ...ctx.inner(inner)];
}

const kubectl: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: KUBECTL_VALUE });
  const [verb, ...operands] = args.operands;
  if (verb === undefined) return read(`${ctx.name} help`);
  if (verb === 'config') {
    const sub = operands[0];
    return sub === undefined ||
      ['view', 'get-contexts', 'current-context', 'get-clusters', 'get-users'].includes(sub)
      ? read(`${ctx.name} config ${sub ?? ''} only reads`.trim())
      : change(`${ctx.name} config ${sub} changes the kubeconfig`);
  }
  if (verb === 'auth' && operands[0] === 'can-i') return read(`${ctx.name} auth can-i only reads`);
  if (verb === 'rollout' && (operands[0] === 'status' || operands[0] === 'history'))
    return read(`${ctx.name} rollout ${operands[0]} only reads`);
  if (verb === 'cluster-info' && operands[0] === 'dump' && args.has('--output-directory'))
    return change('cluster-info dump writes files');
  if (KUBECTL_READ.includes(verb)) return read(`${ctx.name} ${verb} only reads`);
  if (verb === 'exec' || verb === 'debug' || verb === 'attach' || verb === 'run') {
    const dash = ctx.args.indexOf('--');
    return containerExec(ctx, dash === -1 ? [] : ctx.args.slice(dash + 1), `${ctx.name} ${verb}`);
  }
  if (verb === 'delete') {
    const kinds = (operands[0] ?? '').split(',').map((k) => k.split('/')[0] ?? '');
    const slashKinds = operands.filter((o) => o.includes('/')).map((o) => o.split('/')[0] ?? '');
    const critical = [...kinds, ...slashKinds].find((k) => KUBECTL_CRITICAL_KINDS.test(k));
    if (critical)
      return destroy(`${ctx.name} delete ${critical} deletes everything in it or the data behind it`);
    if (args.has('--all', '-A', '--all-namespaces'))
      return destroy(`${ctx.name} delete --all deletes every matching resource`);
    return change(`${ctx.name} delete removes ${operands.join(' ')}`.trim());
  }
  if (verb === 'drain' || verb === 'cordon' || verb === 'uncordon' || verb === 'taint')
    return change(`${ctx.name} ${verb} changes node scheduling`);
  return change(`${ctx.name} ${verb} changes the cluster`);
};

const DOCKER_VALUE = [
  '-H',
  '--host',
  '--context',
  '--config',
  '-l',
  '--log-level',
  '-f',
  '--filter',
  '--format',
  '-n',
  '--tail',
  '--since',
  '--until',
  '-e',
  '--env',
  '-v',
  '--volume',
  '-p',
  '--publish',
  '--name',
  '-u',
  '--user',
  '-w',
  '--workdir',
  '--network',
  '--entrypoint',
  '--mount',
  '--pid',
  '--ipc',
  '--cap-add',
  '--device',
  '-t',
  '--time',
  '-s',
  '--signal',
  '--project-name',
  '--file',
];

const DOCKER_READ = new Set([
  'ps',
  'logs',
  'inspect',
  'images',
  'top',
  'port',
  'version',
  'info',
  'history',
  'diff',
  'events',
  'search',
]);
const DOCKER_GROUP_READ = new Set([
  'ls',
  'list',
  'ps',
  'inspect',
  'logs',
  'top',
  'port',
  'history',
  'df',
  'stats',
  'config',
  'images',
  'version',
]);

const docker: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: DOCKER_VALUE });
  let [verb, sub, ...rest] = args.operands;
  if (verb === undefined) return read(`${ctx.name} help`);
  if (verb === 'compose' || ctx.name === 'docker-compose') {
    if (ctx.name === 'docker-compose')
      [verb, sub, ...rest] = ['compose', verb, sub ?? '', ...rest].filter((x) => x !== '');
    if (sub && DOCKER_GROUP_READ.has(sub)) return read(`${ctx.name} compose ${sub} only reads`);
    if (sub === 'down' && args.has('-v', '--volumes'))
      return destroy(`${ctx.name} compose down -v deletes volumes and their data`);
    if (sub === 'exec' || sub === 'run')
      return containerExec(ctx, rest.slice(1), `${ctx.name} compose ${sub}`);
    return change(`${ctx.name} compose ${sub ?? ''} changes containers`.trim());
  }
  if (verb === 'stats')
    return args.has('--no-stream')
      ? read(`${ctx.name} stats --no-stream only reads`)
      : change(`${ctx.name} stats without --no-stream never ends`);
  if (DOCKER_READ.has(verb)) return read(`${ctx.name} ${verb} only reads`);
  if (verb === 'volume' && (sub === 'rm' || sub === 'remove' || sub === 'prune'))
    return destroy(`${ctx.name} volume ${sub} deletes volumes and their data`);
  if (verb === 'system' && sub === 'prune' && args.has('--volumes'))
    return destroy(`${ctx.name} system prune --volumes deletes volumes and their data`);
  if (
    verb === 'stats' ||
    ((verb === 'container' ||
      verb === 'image' ||
      verb === 'network' ||
      verb === 'volume' ||
      verb === 'system' ||
      verb === 'node' ||
      verb === 'service') &&
      sub &&
      DOCKER_GROUP_READ.has(sub))
  )
    return sub === 'stats' && !args.has('--no-stream')
      ? change(`${ctx.name} stats without --no-stream never ends`)
      : read(`${ctx.name} ${verb} ${sub} only reads`);
  if (verb === 'exec') return containerExec(ctx, [sub ?? '', ...rest].slice(1), `${ctx.name} exec`);
  if (verb === 'run') {
    if (
      args.has('--privileged') ||
      args.values('-v', '--volume', '--mount').some((v) => /^\/(:|$)|source=\/(,|$)/.test(v)) ||
      args.values('--pid').includes('host')
    )
      return deny(
        'destroy',
        `${ctx.name} run with --privileged, --pid=host or / mounted gives the container the host`,
      );
    return change(`${ctx.name} run starts a container`);
  }
  return change(`${ctx.name} ${verb} ${sub ?? ''} changes containers`.trim());
};

const crictl: ProgramRule = (ctx) => {
  const verb = parseArgs(ctx.args, {
    withValue: [
      '-r',
      '--runtime-endpoint',
      '-i',
      '--image-endpoint',
      '-c',
      '--config',
      '-t',
      '--timeout',
      '-o',
      '--output',
      '--tail',
      '--since',
    ],
  }).operands[0];
  const reads = [
    'ps',
    'pods',
    'images',
    'img',
    'inspect',
    'inspecti',
    'inspectp',
    'logs',
    'stats',
    'statsp',
    'info',
    'version',
    'imagefsinfo',
  ];
  if (verb === 'exec' || verb === 'attach')
    return deny('hidden', `crictl ${verb} runs a command inside a container`);
  return verb === undefined || reads.includes(verb)
    ? read(`crictl ${verb ?? ''} only reads`.trim())
    : change(`crictl ${verb} changes containers`);
};

const helm: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-n',
      '--namespace',
      '--kube-context',
      '--kubeconfig',
      '-o',
      '--output',
      '--version',
      '-f',
      '--values',
      '--set',
      '--max',
      '--revision',
    ],
  });
  const [verb, sub] = args.operands;
  const reads = [
    'list',
    'ls',
    'status',
    'history',
    'get',
    'show',
    'inspect',
    'search',
    'template',
    'lint',
    'version',
    'env',
    'verify',
  ];
  if (verb === undefined || reads.includes(verb)) return read(`helm ${verb ?? ''} only reads`.trim());
  if (verb === 'repo' && (sub === 'list' || sub === 'ls')) return read('helm repo list only reads');
  if (verb === 'uninstall' || verb === 'delete' || verb === 'del' || verb === 'un')
    return change(`helm ${verb} removes a release and its resources`);
  return change(`helm ${verb} changes releases`);
};

export const CONTAINER_RULES: Record<string, ProgramRule> = {
  kubectl,
  oc: kubectl,
  k: kubectl,
  docker,
  podman: docker,
  nerdctl: docker,
  'docker-compose': docker,
  crictl,
  helm,
};
