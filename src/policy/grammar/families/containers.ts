import type { CommandNode, ToolGrammar } from '../spec.js';

/**
 * Containers and orchestration: kubectl (and the kubectl that k3s and microk8s ship), helm, docker
 * (with compose), docker-compose, podman, crictl, etcdctl and kubeadm.
 *
 * What is left out on purpose, for every tool: the options that pick another API server, daemon,
 * socket, credential or config file (kubectl --kubeconfig/--server/--token/--as…, helm --kubeconfig
 * and --kube-*, docker -H/--config/--context/--tls*, podman's global flags, crictl -c/-r/-i, etcdctl
 * --user/--password/--discovery-srv), verbose or debug logging (it can print request headers), and
 * every subcommand that changes state, runs a process (exec, run, attach, debug, port-forward, cp,
 * kubectl plugins: any unknown word is refused), or prints credential material (Kubernetes secrets,
 * `kubectl config view`, helm values and manifests, container inspect, runtime info).
 *
 * A bool option is declared `flag` under its short spelling: pflag reads `-wfalse` as `-w -f alse`,
 * so a short bool must never take an attached value here. Where `--opt=false` is everyday use
 * (`--namespaced=false`), the long spelling alone is declared `[bool]`.
 */

const K8S_NAME = '[A-Za-z0-9](?:[A-Za-z0-9._:@-]{0,251}[A-Za-z0-9])?';

/**
 * `docker inspect -f TEMPLATE CONTAINER` (and podman's): the template may only name fields from this
 * list, so it can print a container's state, health, restarts, networks and mounts but never its
 * environment (`.Config.Env`), its command line (`.Config.Cmd`, `.Args`, podman's
 * `.Config.CreateCommand`), log driver options (`.HostConfig.LogConfig`: splunk tokens) or the whole
 * object (`.`, `$`, `json .`, `with .Config`). Inside `range`/`with`, `.` is an element of an allowed
 * field, so relative names reach nothing else.
 */
const INSPECT_FIELD =
  '(?:State|RestartCount|Name|Id|ID|Image|Created|NetworkSettings|Mounts|Platform|Driver|SizeRw|SizeRootFs|' +
  'Mountpoint|Scope|Labels|Containers|IPAM|Subnet|IPv4Address|IPv6Address|IPAddress|GlobalIPv6Address|Gateway|' +
  'MacAddress|NetworkID|EndpointID|IPPrefixLen|Ports|Networks|Status|Health|ExitCode|Error|StartedAt|FinishedAt|' +
  'OOMKilled|Running|Paused|Restarting|Dead|Pid|Destination|Source|Type|Mode|RW|Propagation|FailingStreak|Log|' +
  'Output|Start|End|HostIp|HostPort|Aliases|DNSNames|' +
  'HostConfig\\.(?:RestartPolicy|NetworkMode|Memory|MemoryReservation|NanoCpus|CpuShares|CpuQuota|CpuPeriod|' +
  'PidMode|Privileged|PortBindings|OomKillDisable|ShmSize|Runtime)|' +
  'Config\\.(?:Image|Labels|Hostname|User|ExposedPorts|WorkingDir|StopSignal))';
const INSPECT_PATH = `\\.${INSPECT_FIELD}(?:\\.[A-Za-z0-9_]+)*`;
const INSPECT_ACTION =
  `\\{\\{-?\\s*(?:(?:(?:json|println|upper|lower|len|range|if|with)\\s+)?${INSPECT_PATH}|` +
  `index\\s+${INSPECT_PATH}(?:\\s+"[^"{}\\\\]*")+|end|else)\\s*-?\\}\\}`;

const TYPES = {
  bool: /^(true|false)$/,
  /** A kubeconfig context, cluster or user name (EKS names hold `:` and `/`). */
  'kube-entry': /^[A-Za-z0-9_][A-Za-z0-9_.:@/+-]{0,252}$/,
  /**
   * A resource name after a type operand (`kubectl get pods web-1`), or a `type/name` whose type is not
   * about secrets (`kubectl get po/a svc/b`, `kubectl logs deploy/web`). RBAC names hold `:`.
   */
  'k8s-ref': new RegExp(`^(?:${K8S_NAME}|(?![^/]*secret)[A-Za-z0-9.-]+/${K8S_NAME})$`, 'i'),
  'label-keys': /^[A-Za-z0-9][A-Za-z0-9_./-]{0,316}(,[A-Za-z0-9][A-Za-z0-9_./-]{0,316})*$/,
  /** `kubectl explain` paths: `deployment.spec.strategy`. A schema, never an object's data. */
  'k8s-field': /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/,
  'api-version': /^[a-z0-9.-]+(\/[a-z0-9.-]+)?$/,
  'api-group': /^[a-z0-9.-]{0,253}$/,
  'event-types': /^(Normal|Warning)(,(Normal|Warning))*$/,
  'can-i-verb': /^(\*|[a-z]+)$/,
  /** `kubectl auth can-i get secrets` asks about a permission: it reads no secret. */
  'can-i-resource': /^(\*|[A-Za-z0-9.*-]+(\/[A-Za-z0-9.*-]+)?|\/[A-Za-z0-9/._*-]*)$/,
  'wait-for': /^(delete|create|condition=[A-Za-z0-9_./-]+(=[A-Za-z0-9_.-]+)?|jsonpath=[^\0]{1,512})$/,
  /** `kubectl get --raw`: only health, version and metrics endpoints, never an arbitrary API path. */
  'k8s-raw-path':
    /^\/((healthz|livez|readyz)(\/[a-z0-9_-]+)?(\?verbose(=true)?)?|metrics|version|apis\/metrics\.k8s\.io\/v1beta1\/(nodes|pods|namespaces\/[a-z0-9-]+\/pods)(\/[a-z0-9.-]+)?)$/,
  /** Container names and IDs. */
  'docker-ref': /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  /** Image references, network and volume names, swarm objects. */
  'docker-obj': /^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}$/,
  'docker-filter': /^[A-Za-z_.-]{1,64}=[^\0]{0,256}$/,
  'docker-tail': /^(all|\d{1,9})$/,
  'docker-port': /^\d{1,5}(\/(tcp|udp|sctp))?$/,
  platform: /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/,
  /** `docker top CONTAINER aux`: BSD ps options, without `e` (which prints the environment). */
  'ps-bsd': /^[auxfwjlsSrv]{1,10}$/,
  /** `docker top CONTAINER -o pid,user,args`: ps output keywords. */
  'ps-format': /^[A-Za-z0-9%_,:=+-]{1,256}$/,
  'compose-project': /^[a-z0-9][a-z0-9_-]{0,62}$/,
  'compose-file': /^\/(?!.*\/\.\.\/)[A-Za-z0-9_./-]{1,250}\.ya?ml$/,
  'compose-service': /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  /** psgo descriptors of `podman top`; unknown ones make podman run ps(1) inside the container. */
  'podman-descriptor':
    /^(args|capamb|capbnd|capeff|capinh|capprm|comm|etime|group|hgroup|hgroups|hpid|huser|label|nice|pcpu|pgid|pid|ppid|rgroup|ruser|seccomp|state|stime|time|tty|user|vsz)$/,
  'inspect-format': new RegExp(`^(?:[^{}]|${INSPECT_ACTION}){1,1024}$`),
  'crictl-id': /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
  'crictl-label': /^[A-Za-z0-9_./-]{1,253}=[^\0]{0,253}$/,
  'crictl-filter': /^[a-z]{1,32}=[^\0]{0,256}$/,
  'crictl-state': /^(created|running|exited|unknown)$/i,
  'crictl-pod-state': /^(ready|notready)$/i,
};

// ---------------------------------------------------------------------------------------------
// kubectl

const KUBECTL_TEMPLATE = {
  '--template': 'text',
  '--allow-missing-template-keys': '[bool]',
  '--show-managed-fields': 'flag',
} as const;

const KUBECTL_RESOURCE_OPERANDS = ['k8s-resource', 'k8s-ref*'];

/**
 * The kubectl command tree (global options at its root). Left out: `-f/--filename`, `-k/--kustomize`
 * and `-R` (local manifests or URLs), `--raw` but for health and metrics paths, `-o *-file=` (a
 * template read from a file), `config view` (it prints auth-provider tokens and exec env unredacted),
 * `cluster-info dump`, and every verb that writes or runs something.
 */
const KUBECTL: CommandNode = {
  options: {
    '-n --namespace': 'k8s-name',
    '--context --cluster --user': 'kube-entry',
    '--request-timeout': 'duration',
    '--match-server-version --warnings-as-errors --disable-compression': 'flag',
  },
  subcommands: {
    get: {
      options: {
        '-A --all-namespaces -w --watch --watch-only --show-labels --no-headers --ignore-not-found': 'flag',
        '--show-kind --output-watch-events': 'flag',
        '--server-print': '[bool]',
        '-o --output': 'k8s-output',
        '-l --selector --field-selector': 'selector',
        '-L --label-columns': 'label-keys',
        '--sort-by': 'text',
        '--chunk-size': 'uint',
        '--subresource': ['status', 'scale', 'resize'],
        '--raw': 'k8s-raw-path',
        ...KUBECTL_TEMPLATE,
      },
      operands: KUBECTL_RESOURCE_OPERANDS,
      operandsWith: { '--raw': [] },
    },
    describe: {
      options: {
        '-A --all-namespaces': 'flag',
        '-l --selector': 'selector',
        '--show-events': '[bool]',
        '--chunk-size': 'uint',
      },
      operands: KUBECTL_RESOURCE_OPERANDS,
    },
    logs: {
      options: {
        '-c --container': 'k8s-name',
        '-p --previous -f --follow --timestamps --all-containers --prefix --ignore-errors --all-pods': 'flag',
        '--tail': 'int',
        '--since --pod-running-timeout': 'duration',
        '--since-time': 'time',
        '-l --selector': 'selector',
        '--max-log-requests --limit-bytes': 'uint',
      },
      operands: ['k8s-ref?', 'k8s-name?'],
    },
    top: {
      subcommands: {
        'node nodes no': {
          options: {
            '--no-headers --show-capacity': 'flag',
            '-l --selector': 'selector',
            '--sort-by': ['cpu', 'memory'],
            '--use-protocol-buffers': '[bool]',
          },
          operands: ['k8s-name?'],
        },
        'pod pods po': {
          options: {
            '-A --all-namespaces --containers --no-headers --sum': 'flag',
            '-l --selector --field-selector': 'selector',
            '--sort-by': ['cpu', 'memory'],
            '--use-protocol-buffers': '[bool]',
          },
          operands: ['k8s-name?'],
        },
      },
    },
    events: {
      options: {
        '-A --all-namespaces -w --watch --no-headers': 'flag',
        '--for': 'k8s-ref',
        '--types': 'event-types',
        '-o --output': 'k8s-output',
        '--chunk-size': 'uint',
        ...KUBECTL_TEMPLATE,
      },
      operands: [],
    },
    explain: {
      options: {
        '--recursive': 'flag',
        '--api-version': 'api-version',
        '-o --output': ['plaintext', 'plaintext-openapiv2'],
      },
      operands: ['k8s-field'],
    },
    'api-resources': {
      options: {
        '--namespaced': '[bool]',
        '--no-headers --cached': 'flag',
        '--verbs --categories': 'names',
        '-o --output': ['wide', 'name'],
        '--api-group': 'api-group',
        '--sort-by': ['name', 'kind'],
      },
      operands: [],
    },
    'api-versions': { operands: [] },
    version: {
      options: { '--client': '[bool]', '--short': 'flag', '-o --output': ['json', 'yaml'] },
      operands: [],
    },
    // `cluster-info dump` would be an operand here, and there are none.
    'cluster-info': { operands: [] },
    rollout: {
      subcommands: {
        status: {
          options: {
            '-w': 'flag',
            '--watch': '[bool]',
            '--timeout': 'duration',
            '--revision': 'uint',
            '-l --selector': 'selector',
          },
          operands: ['k8s-resource', 'k8s-ref?'],
        },
        history: {
          options: {
            '--revision': 'uint',
            '-o --output': 'k8s-output',
            '-l --selector': 'selector',
            ...KUBECTL_TEMPLATE,
          },
          operands: ['k8s-resource', 'k8s-ref?'],
        },
      },
    },
    auth: {
      subcommands: {
        'can-i': {
          options: {
            '-A --all-namespaces --list --no-headers -q --quiet': 'flag',
            '--subresource': 'k8s-name',
          },
          operands: ['can-i-verb', 'can-i-resource?', 'k8s-ref?'],
          operandsWith: { '--list': [] },
        },
        whoami: { options: { '-o --output': 'k8s-output', ...KUBECTL_TEMPLATE }, operands: [] },
      },
    },
    config: {
      subcommands: {
        'get-contexts': {
          options: { '--no-headers': 'flag', '-o --output': ['name'] },
          operands: ['kube-entry*'],
        },
        'current-context': { operands: [] },
        'get-clusters': { operands: [] },
        'get-users': { operands: [] },
        view: {
          options: {
            '--minify': 'flag',
            '--merge': '[bool]',
            '-o --output': 'k8s-output',
            ...KUBECTL_TEMPLATE,
          },
          operands: [],
          secret:
            'kubectl config view prints auth-provider tokens, client secrets and exec credentials unredacted',
        },
      },
    },
    // Waiting (even `--for=delete`) only watches; it changes nothing.
    wait: {
      options: {
        '--for': 'wait-for',
        '--timeout': 'duration',
        '--all -A --all-namespaces': 'flag',
        '-l --selector --field-selector': 'selector',
        '-o --output': 'k8s-output',
        ...KUBECTL_TEMPLATE,
      },
      operands: KUBECTL_RESOURCE_OPERANDS,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// helm

const HELM_OUTPUT = ['table', 'json', 'yaml'];

/**
 * helm reads releases from the cluster. `helm get values|manifest|all|hooks` and `helm status -o
 * json|yaml` print the release's values and rendered manifests (passwords, Secret objects).
 * `show`, `pull`, `search hub`, `repo update` reach chart repositories; `env` prints settings.
 */
const HELM: ToolGrammar = {
  program: 'helm',
  syntax: 'pflag',
  stdin: 'ignore',
  types: TYPES,
  options: { '-n --namespace': 'k8s-name', '--kube-context': 'kube-entry' },
  subcommands: {
    'list ls': {
      options: {
        '-A --all-namespaces -a --all -d --date -r --reverse -q --short --no-headers': 'flag',
        '--deployed --failed --pending --superseded --uninstalled --uninstalling': 'flag',
        '-m --max --offset': 'uint',
        '-f --filter': 'text',
        '-l --selector': 'selector',
        '-o --output': HELM_OUTPUT,
        '--time-format': 'text',
      },
      operands: [],
    },
    status: {
      options: {
        '--revision': 'uint',
        // json and yaml print the whole release: user-supplied values and the rendered manifest.
        '-o --output': ['table'],
        '--show-desc --show-resources': 'flag',
      },
      operands: ['k8s-name'],
    },
    'history hist': { options: { '--max': 'uint', '-o --output': HELM_OUTPUT }, operands: ['k8s-name'] },
    version: { options: { '--short -c --client': 'flag', '--template': 'text' }, operands: [] },
    repo: { subcommands: { 'list ls': { options: { '-o --output': HELM_OUTPUT }, operands: [] } } },
    // `search repo` reads the local repository index; `search hub` asks Artifact Hub.
    search: {
      subcommands: {
        repo: {
          options: {
            '-r --regexp -l --versions --devel --fail-on-no-result': 'flag',
            '--version': 'text',
            '-o --output': HELM_OUTPUT,
            '--max-col-width': 'uint',
          },
          operands: ['text?'],
        },
      },
    },
    plugin: { subcommands: { 'list ls': { operands: [] } } },
    get: {
      subcommands: {
        notes: { options: { '--revision': 'uint' }, operands: ['k8s-name'] },
        metadata: { options: { '--revision': 'uint', '-o --output': HELM_OUTPUT }, operands: ['k8s-name'] },
        values: {
          options: { '--revision': 'uint', '-a --all': 'flag', '-o --output': HELM_OUTPUT },
          operands: ['k8s-name'],
          secret: 'helm get values prints the release values, which hold passwords',
        },
        manifest: {
          options: { '--revision': 'uint' },
          operands: ['k8s-name'],
          secret: 'helm get manifest prints Secret objects with their data',
        },
        hooks: {
          options: { '--revision': 'uint' },
          operands: ['k8s-name'],
          secret: 'helm get hooks prints hook manifests, which can be Secret objects',
        },
        all: {
          options: { '--revision': 'uint', '--template': 'text' },
          operands: ['k8s-name'],
          secret: 'helm get all prints the release values and Secret objects',
        },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// docker, docker compose, docker-compose

const DOCKER_PS: CommandNode = {
  options: {
    '-a --all -q --quiet -s --size -l --latest --no-trunc': 'flag',
    '-n --last': 'int',
    '-f --filter': 'docker-filter',
    '--format': 'text',
  },
  operands: [],
};

const DOCKER_LOGS: CommandNode = {
  options: {
    '--details -f --follow -t --timestamps': 'flag',
    '-n --tail': 'docker-tail',
    '--since --until': 'time',
  },
  operands: ['docker-ref'],
};

// Without --no-stream it refreshes until the command's timeout: still only a read.
const DOCKER_STATS: CommandNode = {
  options: { '-a --all --no-stream --no-trunc': 'flag', '--format': 'text' },
  operands: ['docker-ref*'],
};

const DOCKER_IMAGES: CommandNode = {
  options: {
    '-a --all --digests --no-trunc -q --quiet --tree': 'flag',
    '-f --filter': 'docker-filter',
    '--format': 'text',
  },
  operands: ['docker-obj?'],
};

// Not --no-trunc: the full history shows build arguments, tokens among them.
const DOCKER_HISTORY: CommandNode = {
  options: {
    '-H -q --quiet': 'flag',
    '--human': '[bool]',
    '--format': 'text',
    '--platform': 'platform',
  },
  operands: ['docker-obj'],
};

// Image metadata as anyone who can pull the image sees it (no container's runtime environment).
const DOCKER_IMAGE_INSPECT: CommandNode = {
  options: { '-f --format': 'text', '--platform': 'platform' },
  operands: ['docker-obj+'],
};

/**
 * `docker top CONTAINER [ps options]`: the daemon runs ps(1) with them. Only output-shaping options,
 * never BSD `e` (the environment of every process).
 */
const DOCKER_TOP: CommandNode = {
  options: { '-e -f -F -l -j -H -w -x -A -a -T -L -M': 'flag', '-o': 'ps-format' },
  operands: ['docker-ref', 'ps-bsd*'],
};

const DOCKER_PORT: CommandNode = { operands: ['docker-ref', 'docker-port?'] };
const DOCKER_DIFF: CommandNode = { operands: ['docker-ref'] };
const DOCKER_INFO: CommandNode = { options: { '-f --format': 'text' }, operands: [] };
const DOCKER_EVENTS: CommandNode = {
  options: { '-f --filter': 'docker-filter', '--format': 'text', '--since --until': 'time' },
  operands: [],
};
const DOCKER_LIST = (extra: CommandNode['options'] = {}): CommandNode => ({
  options: { '-f --filter': 'docker-filter', '--format': 'text', '-q --quiet': 'flag', ...extra },
  operands: [],
});
// A container's inspect prints its environment, where credentials are passed: only with a
// template naming harmless fields (`docker inspect -f '{{.State.Health.Status}}' web`).
const CONTAINER_INSPECT: CommandNode = {
  options: { '-f --format': 'inspect-format', '-s --size': 'flag' },
  requires: ['-f --format'],
  operands: ['docker-ref+'],
};

/**
 * Compose (`docker compose` and the docker-compose binary, v1 and v2). The compose file is read to
 * find the project; `config` prints it with every variable interpolated (passwords from .env), so it
 * is never auto. `--env-file` is not declared.
 */
const COMPOSE: CommandNode = {
  options: {
    // A local compose file only: -f also takes `-`, oci:// and git URLs (remote includes).
    '-f --file': 'compose-file',
    '-p --project-name': 'compose-project',
    '--project-directory': 'meta-path',
    '--profile': 'name',
    '--ansi': ['never', 'always', 'auto'],
    '--compatibility -v --version': 'flag',
  },
  operands: [],
  subcommands: {
    ps: {
      options: {
        '-a --all -q --quiet --services --no-trunc': 'flag',
        '--orphans': '[bool]',
        '--format': 'text',
        '--filter': 'docker-filter',
        '--status': ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'],
      },
      operands: ['compose-service*'],
    },
    logs: {
      options: {
        '-f --follow --no-color --no-log-prefix -t --timestamps': 'flag',
        '-n --tail': 'docker-tail',
        '--since --until': 'time',
        '--index': 'uint',
      },
      operands: ['compose-service*'],
    },
    top: { operands: ['compose-service*'] },
    stats: {
      options: { '-a --all --no-stream --no-trunc': 'flag', '--format': 'text' },
      operands: ['compose-service*'],
    },
    ls: {
      options: { '-a --all -q --quiet': 'flag', '--filter': 'docker-filter', '--format': ['table', 'json'] },
      operands: [],
    },
    images: {
      options: { '-q --quiet': 'flag', '--format': ['table', 'json'] },
      operands: ['compose-service*'],
    },
    port: {
      options: { '--index': 'uint', '--protocol': ['tcp', 'udp'] },
      operands: ['compose-service', 'port'],
    },
    version: { options: { '-f --format': ['pretty', 'json'], '--short': 'flag' }, operands: [] },
    // Alone, config prints the file with every variable interpolated, passwords included; with one
    // of these it prints only names (or nothing, with -q).
    config: {
      options: { '-q --quiet --services --volumes --images --profiles': 'flag' },
      requires: ['-q --quiet --services --volumes --images --profiles'],
      operands: [],
    },
  },
};

/**
 * docker. No global option is declared (-H/--host, --config, -c/--context, --tls*, -D, -l/--log-level
 * pick another daemon or client config, or log). `docker inspect` needs `--type image|network` or a
 * `-f` template of harmless fields: a container's full inspect prints its environment.
 */
const DOCKER: ToolGrammar = {
  program: 'docker',
  syntax: 'pflag',
  types: TYPES,
  options: { '-v --version': 'flag' },
  operands: [],
  subcommands: {
    ps: DOCKER_PS,
    logs: DOCKER_LOGS,
    stats: DOCKER_STATS,
    images: DOCKER_IMAGES,
    history: DOCKER_HISTORY,
    top: DOCKER_TOP,
    port: DOCKER_PORT,
    diff: DOCKER_DIFF,
    version: { options: { '-f --format': 'text' }, operands: [] },
    info: DOCKER_INFO,
    events: DOCKER_EVENTS,
    // Without --type it may be a container: only with a template of harmless fields then.
    inspect: {
      options: { '--type': ['image', 'network'], '-f --format': 'inspect-format', '-s --size': 'flag' },
      requires: ['--type -f --format'],
      operands: ['docker-obj+'],
    },
    container: {
      subcommands: {
        'ls list ps': DOCKER_PS,
        logs: DOCKER_LOGS,
        stats: DOCKER_STATS,
        top: DOCKER_TOP,
        port: DOCKER_PORT,
        diff: DOCKER_DIFF,
        inspect: CONTAINER_INSPECT,
      },
    },
    image: {
      subcommands: { 'ls list': DOCKER_IMAGES, history: DOCKER_HISTORY, inspect: DOCKER_IMAGE_INSPECT },
    },
    network: {
      subcommands: {
        'ls list': DOCKER_LIST({ '--no-trunc': 'flag' }),
        inspect: { options: { '-f --format': 'text', '-v --verbose': 'flag' }, operands: ['docker-obj+'] },
      },
    },
    volume: {
      subcommands: {
        'ls list': DOCKER_LIST({ '--cluster': 'flag' }),
        // The driver options of a CIFS/NFS volume hold the share's password.
        inspect: {
          options: { '-f --format': 'text' },
          operands: ['docker-obj+'],
          secret: 'volume inspect prints driver options, where network shares keep their password',
        },
      },
    },
    system: {
      subcommands: {
        df: { options: { '-v --verbose': 'flag', '--format': 'text' }, operands: [] },
        info: DOCKER_INFO,
        events: DOCKER_EVENTS,
      },
    },
    context: {
      subcommands: {
        'ls list': { options: { '--format': 'text', '-q --quiet': 'flag' }, operands: [] },
        show: { operands: [] },
      },
    },
    // Swarm: names and states only (secret values are never returned by the API).
    secret: { subcommands: { 'ls list': DOCKER_LIST() } },
    config: { subcommands: { 'ls list': DOCKER_LIST() } },
    service: {
      subcommands: {
        'ls list': DOCKER_LIST(),
        ps: { ...DOCKER_LIST({ '--no-resolve --no-trunc': 'flag' }), operands: ['docker-obj+'] },
        logs: {
          options: {
            '--details -f --follow --no-resolve --no-task-ids --no-trunc --raw -t --timestamps': 'flag',
            '--since': 'time',
            '-n --tail': 'docker-tail',
          },
          operands: ['docker-obj'],
        },
      },
    },
    node: {
      subcommands: {
        'ls list': DOCKER_LIST(),
        ps: { ...DOCKER_LIST({ '--no-resolve --no-trunc': 'flag' }), operands: ['docker-obj*'] },
      },
    },
    stack: {
      subcommands: {
        'ls list': { options: { '--format': 'text' }, operands: [] },
        ps: { ...DOCKER_LIST({ '--no-resolve --no-trunc': 'flag' }), operands: ['docker-obj'] },
        services: { ...DOCKER_LIST(), operands: ['docker-obj'] },
      },
    },
    compose: COMPOSE,
  },
};

// ---------------------------------------------------------------------------------------------
// podman

const PODMAN_PS: CommandNode = {
  options: {
    '-a --all -q --quiet -s --size -l --latest --no-trunc --noheading --external --ns -p --pod': 'flag',
    '-n --last': 'int',
    '-w --watch': 'uint',
    '-f --filter': 'docker-filter',
    '--format': 'text',
    '--sort': ['command', 'created', 'id', 'image', 'names', 'runningfor', 'size', 'status'],
  },
  operands: [],
};

// podman logs: `-n` is --names (a bool), not --tail as in docker.
const PODMAN_LOGS: CommandNode = {
  options: {
    '-f --follow -l --latest -n --names -t --timestamps --color': 'flag',
    '--since --until': 'time',
    '--tail': 'int',
  },
  operands: ['docker-ref*'],
};

const PODMAN_STATS: CommandNode = {
  options: {
    '-a --all --no-stream --no-reset --no-trunc -l --latest': 'flag',
    '-i --interval': 'uint',
    '--format': 'text',
  },
  operands: ['docker-ref*'],
};

const PODMAN_IMAGES: CommandNode = {
  options: {
    '-a --all --digests --no-trunc -q --quiet -n --noheading --history': 'flag',
    '-f --filter': 'docker-filter',
    '--format': 'text',
    '--sort': ['created', 'id', 'repository', 'size', 'tag'],
  },
  operands: ['docker-obj?'],
};

const PODMAN_HISTORY: CommandNode = {
  options: { '-H --no-trunc -q --quiet': 'flag', '--human': '[bool]', '--format': 'text' },
  operands: ['docker-obj'],
};

// Descriptors psgo knows; for any other, podman runs ps(1) from inside the container.
const PODMAN_TOP: CommandNode = {
  options: { '-l --latest': 'flag' },
  operands: ['docker-ref', 'podman-descriptor*'],
};
const PODMAN_PORT: CommandNode = {
  options: { '-a --all -l --latest': 'flag' },
  operands: ['docker-ref?', 'docker-port?'],
};
const PODMAN_DIFF: CommandNode = {
  options: { '--format': ['json'], '-l --latest': 'flag' },
  operands: ['docker-ref'],
};
// As for docker: a container's inspect only with a template of harmless fields.
const PODMAN_INSPECT: CommandNode = {
  options: { '-f --format': 'inspect-format', '-s --size -l --latest': 'flag' },
  requires: ['-f --format'],
  operands: ['docker-ref*'],
};
const PODMAN_INFO: CommandNode = { options: { '-f --format': 'text' }, operands: [] };
const PODMAN_EVENTS: CommandNode = {
  options: {
    '-f --filter': 'docker-filter',
    '--format': 'text',
    '--since --until': 'time',
    '--stream': '[bool]',
    '--no-trunc': '[bool]',
  },
  operands: [],
};

/**
 * podman. None of its global options is declared: --url/--connection/--identity reach another host,
 * --root/--runroot/--storage-driver/--conmon/--runtime/--hooks-dir/--module change what runs or where
 * state lives, --out writes a file. A full container inspect prints its environment (only a -f
 * template of harmless fields is declared); healthcheck run executes in the container.
 */
const PODMAN: ToolGrammar = {
  program: 'podman',
  syntax: 'pflag',
  stdin: 'ignore',
  types: TYPES,
  options: { '-v --version': 'flag' },
  operands: [],
  subcommands: {
    ps: PODMAN_PS,
    logs: PODMAN_LOGS,
    stats: PODMAN_STATS,
    images: PODMAN_IMAGES,
    history: PODMAN_HISTORY,
    top: PODMAN_TOP,
    port: PODMAN_PORT,
    diff: PODMAN_DIFF,
    version: { options: { '-f --format': 'text' }, operands: [] },
    info: PODMAN_INFO,
    events: PODMAN_EVENTS,
    inspect: PODMAN_INSPECT,
    container: {
      subcommands: {
        'ls list ps': PODMAN_PS,
        logs: PODMAN_LOGS,
        stats: PODMAN_STATS,
        top: PODMAN_TOP,
        port: PODMAN_PORT,
        diff: PODMAN_DIFF,
        inspect: PODMAN_INSPECT,
      },
    },
    image: {
      subcommands: {
        'ls list': PODMAN_IMAGES,
        history: PODMAN_HISTORY,
        inspect: { options: { '-f --format': 'text' }, operands: ['docker-obj+'] },
      },
    },
    pod: {
      subcommands: {
        'ps ls list': {
          options: {
            '-q --quiet --no-trunc --ctr-names --ctr-ids --ctr-status --ns -l --latest --noheading': 'flag',
            '-f --filter': 'docker-filter',
            '--format': 'text',
            '--sort': ['created', 'id', 'name', 'status', 'number'],
          },
          operands: [],
        },
      },
    },
    network: {
      subcommands: {
        'ls list': {
          options: {
            '-f --filter': 'docker-filter',
            '--format': 'text',
            '-q --quiet --no-trunc --noheading': 'flag',
          },
          operands: [],
        },
      },
    },
    volume: {
      subcommands: {
        'ls list': {
          options: { '-f --filter': 'docker-filter', '--format': 'text', '-q --quiet --noheading': 'flag' },
          operands: [],
        },
      },
    },
    system: {
      subcommands: {
        df: { options: { '-v --verbose': 'flag', '--format': 'text' }, operands: [] },
        info: PODMAN_INFO,
        events: PODMAN_EVENTS,
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// crictl

const CRICTL_OUTPUT = ['json', 'yaml', 'table'];

/**
 * crictl (urfave/cli): the global options -c/--config and -r/--runtime-endpoint/-i/--image-endpoint
 * pick another config or socket and are not declared; -t/--timeout is. Flags after the first
 * positional argument are not parsed by crictl; they are harmless extra arguments there, so the
 * permuting gnu reading accepts nothing crictl would run differently. `info` prints the runtime
 * configuration (registry credentials), `inspect*` print environments.
 */
const CRICTL: ToolGrammar = {
  program: 'crictl',
  syntax: 'gnu',
  stdin: 'ignore',
  types: TYPES,
  options: { '-t --timeout': 'duration' },
  subcommands: {
    ps: {
      options: {
        '-v --verbose -q --quiet -a --all -l --latest --no-trunc -r --resolve-image-path': 'flag',
        '--id -p --pod': 'crictl-id',
        '--name --namespace': 'text',
        '--image': 'docker-obj',
        '-s --state': 'crictl-state',
        '--label': 'crictl-label',
        '-o --output': CRICTL_OUTPUT,
        '-n --last': 'uint',
      },
      operands: [],
    },
    pods: {
      options: {
        '-v --verbose -q --quiet -l --latest --no-trunc': 'flag',
        '--id': 'crictl-id',
        '--name --namespace': 'text',
        '-s --state': 'crictl-pod-state',
        '--label': 'crictl-label',
        '-o --output': CRICTL_OUTPUT,
        '-n --last': 'uint',
      },
      operands: [],
    },
    'images image img': {
      options: {
        '-v --verbose -q --quiet --digests --no-trunc --pinned': 'flag',
        '-f --filter': 'crictl-filter',
        '-o --output': CRICTL_OUTPUT,
      },
      operands: ['docker-obj?'],
    },
    // -r/--reopen asks the runtime to reopen the log file: not declared.
    logs: {
      options: {
        '-f --follow -p --previous -t --timestamps': 'flag',
        '--tail --limit-bytes': 'int',
        '--since': 'time',
        '-s --stream': ['stdout', 'stderr'],
      },
      operands: ['crictl-id'],
    },
    stats: {
      options: {
        '-a --all -w --watch': 'flag',
        '--id -p --pod': 'crictl-id',
        '--label': 'crictl-label',
        '-o --output': CRICTL_OUTPUT,
        '-s --seconds': 'uint',
      },
      operands: ['crictl-id?'],
    },
    statsp: {
      options: {
        '-w --watch': 'flag',
        '--id': 'crictl-id',
        '--label': 'crictl-label',
        '-o --output': CRICTL_OUTPUT,
        '-s --seconds': 'uint',
      },
      operands: ['crictl-id?'],
    },
    version: { operands: [] },
    imagefsinfo: {
      options: { '-o --output': [...CRICTL_OUTPUT, 'go-template'], '--template': 'text' },
      operands: [],
    },
    info: {
      options: { '-o --output': ['json', 'yaml', 'go-template'], '-q --quiet': 'flag', '--template': 'text' },
      operands: [],
      secret: 'crictl info prints the runtime configuration, registry credentials included',
    },
    'inspect inspectp inspecti': {
      options: {
        '-o --output': [...CRICTL_OUTPUT, 'go-template'],
        '-q --quiet': 'flag',
        '--template': 'text',
      },
      operands: ['crictl-id+'],
      secret: 'crictl inspect prints the container or pod spec with its environment',
    },
  },
};

// ---------------------------------------------------------------------------------------------
// etcdctl, kubeadm

/**
 * etcdctl (v3 API). Only cluster health and membership; every key-value verb (get prints Secret
 * objects), snapshot, defrag, auth and member changes are left out. --endpoints is one URL on
 * loopback or policy.internalHosts. --cacert/--cert/--key are the TLS files etcdctl presents to
 * etcd (under /etc/kubernetes/pki in every kubeadm cluster): read to authenticate, never printed.
 * --user/--password put a credential on the command line and are not declared.
 */
const ETCDCTL: ToolGrammar = {
  program: 'etcdctl',
  syntax: 'pflag',
  stdin: 'ignore',
  options: {
    '--endpoints': 'url',
    '--cacert --cert --key': 'meta-path',
    '--dial-timeout --command-timeout --keepalive-time --keepalive-timeout': 'duration',
    '-w --write-out': ['simple', 'json', 'table', 'fields'],
    '--hex': 'flag',
  },
  subcommands: {
    endpoint: {
      subcommands: {
        // Not --cluster: it connects to every member's advertised address, past --endpoints.
        health: { operands: [] },
        status: { operands: [] },
      },
    },
    member: { subcommands: { list: { operands: [] } } },
    alarm: { subcommands: { list: { operands: [] } } },
    version: { operands: [] },
  },
};

const CHECK_EXPIRATION: CommandNode = {
  options: { '-o --output': ['text', 'json', 'yaml'], '--cert-dir': 'meta-path' },
  operands: [],
};

/** kubeadm: certificate expiry and version only (`token list` prints bootstrap tokens). */
const KUBEADM: ToolGrammar = {
  program: 'kubeadm',
  syntax: 'pflag',
  stdin: 'ignore',
  subcommands: {
    certs: { subcommands: { 'check-expiration': CHECK_EXPIRATION } },
    alpha: { subcommands: { certs: { subcommands: { 'check-expiration': CHECK_EXPIRATION } } } },
    version: { options: { '-o --output': ['short', 'json', 'yaml'] }, operands: [] },
  },
};

export const CONTAINERS: readonly ToolGrammar[] = [
  { program: 'kubectl', syntax: 'pflag', stdin: 'ignore', types: TYPES, ...KUBECTL },
  // k3s and microk8s pass everything after `kubectl` to the kubectl they embed.
  {
    program: 'k3s microk8s',
    syntax: 'pflag',
    stdin: 'ignore',
    types: TYPES,
    subcommands: { kubectl: KUBECTL },
  },
  { program: 'microk8s.kubectl', syntax: 'pflag', stdin: 'ignore', types: TYPES, ...KUBECTL },
  HELM,
  DOCKER,
  { program: 'docker-compose', syntax: 'pflag', types: TYPES, ...COMPOSE },
  PODMAN,
  CRICTL,
  ETCDCTL,
  KUBEADM,
];
