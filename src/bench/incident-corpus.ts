import type { MemoryDocument } from '../memory/documents.js';

/**
 * A synthetic incident history for scale benchmarks: varied postmortems in English and Japanese over
 * realistic hosts, services, alerts, causes and fixes, deterministic for a seed. It measures speed
 * and memory, not relevance (the labelled set in tests/fixtures/retrieval does that).
 */
const SERVICES = [
  'checkout',
  'payments',
  'orders-api',
  'search-api',
  'auth',
  'storefront-bff',
  'billing',
  'inventory',
  'shipping',
  'notifications',
  'session-redis',
  'orders-db',
  'kafka',
  'ingress',
  'coredns',
];
const ALERTS = [
  'HighCPUUsage',
  'NodeFilesystemAlmostFull',
  'KubePodCrashLooping',
  'PostgresReplicationLag',
  'HighErrorRate',
  'HighLatency',
  'RedisMemoryHigh',
  'KafkaConsumerLag',
  'TargetDown',
  'CertificateExpiringSoon',
  'NodeNotReady',
  'KubeHpaMaxedOut',
  'PgbouncerPoolExhausted',
  'DNSLookupFailures',
];
const CAUSES_EN = [
  'a deploy shipped a config change that disabled connection pooling',
  'the disk filled with debug logs left enabled after an investigation',
  'WAL archiving failed after credentials were rotated',
  'a memory leak in the request handler grew the heap until OOMKilled',
  'a cron job overlapped with the previous run and doubled the load',
  'the upstream payment provider returned 503 during their outage',
  'a missing index made a new query scan the whole table',
  'the certificate expired because renewal was pointed at the old issuer',
  'conntrack table exhaustion dropped DNS packets under load',
  'a noisy neighbour saturated the NIC during a backup',
  'burst credits on the volume ran out and I/O latency rose to 200 ms',
  'a bad feature flag sent all traffic to the cold cache',
];
const CAUSES_JA = [
  'デプロイで接続プールを無効にする設定変更が入った',
  '調査時に有効化したデバッグログでディスクが埋まった',
  '認証情報のローテーション後に WAL アーカイブが失敗した',
  'リクエストハンドラのメモリリークでヒープが増え続け OOMKilled になった',
  'cron ジョブが前回の実行と重複して負荷が倍増した',
  '外部の決済プロバイダが障害で 503 を返した',
  'インデックス不足で新しいクエリがフルスキャンになった',
  '証明書の更新先が古い発行元のままで期限切れになった',
];
const FIXES = [
  'Rolled back with `kubectl rollout undo deployment/{svc}` and added a config check to CI.',
  'Freed space with `journalctl --vacuum-size=1G`, disabled debug logging and added a disk forecast alert.',
  'Restored the credentials, ran `wal-g wal-push` by hand and alerted on pg_stat_archiver failures.',
  'Restarted the pods, fixed the leak and set a memory limit alert at 80%.',
  'Added a lock (`flock -n`) around the cron job and made the job idempotent.',
  'Failed over to the secondary provider and added a circuit breaker.',
  'Created the index concurrently (`CREATE INDEX CONCURRENTLY`) and added slow query alerts.',
  'Renewed the certificate with `certbot renew --force-renewal` and monitored expiry at 21 days.',
];

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export function syntheticIncidents(count: number, seed = 1): MemoryDocument[] {
  const random = rng(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = Date.parse('2022-01-01T00:00:00Z');
  const span = Date.parse('2026-11-01T00:00:00Z') - start;
  const documents: MemoryDocument[] = [];
  for (let i = 0; i < count; i++) {
    const service = pick(SERVICES);
    const alert = pick(ALERTS);
    const host = `${pick(['web', 'db', 'app', 'worker', 'cache'])}-${Math.floor(random() * 60) + 1}`;
    const japanese = random() < 0.3;
    const cause = japanese ? pick(CAUSES_JA) : pick(CAUSES_EN);
    const fix = pick(FIXES).replace('{svc}', service);
    const minutes = Math.floor(random() * 240) + 5;
    const at = new Date(start + random() * span).toISOString();
    const title = japanese
      ? `${service} で ${alert}：${cause.slice(0, 24)}`
      : `${alert} on ${service} (${host}): ${cause.slice(0, 60)}`;
    const body = japanese
      ? `${at.slice(0, 16)} UTC に ${alert} が ${host} で発火し、${service} の応答が ${minutes} 分間悪化した。\n調査の結果、${cause}。\nエラー率は最大 ${Math.floor(random() * 40) + 2}% に達した。\n原因: ${cause}\n対応: ${fix}`
      : `${alert} fired for ${service} on ${host} at ${at.slice(11, 16)} UTC and lasted ${minutes} minutes. Error rate peaked at ${Math.floor(random() * 40) + 2}% and p99 latency at ${Math.floor(random() * 9000) + 200} ms.\nInvestigation: dashboards showed the problem started after ${pick(['a deploy', 'a config change', 'a traffic spike', 'a node replacement', 'a failover'])}.\nRoot cause: ${cause}.\nResolution: ${fix}`;
    documents.push({
      id: `import:SYN-${seed}-${i}`,
      source: 'import',
      title,
      body,
      labels: [pick(['sev1', 'sev2', 'sev3']), `service:${service}`],
      services: [service],
      alertnames: [alert],
      rootCause: cause,
      resolution: fix,
      commands: [],
      createdAt: at,
      updatedAt: at,
    });
  }
  return documents;
}

/** Queries in the shapes people and alerts use, for latency measurement. */
export function syntheticQueries(count: number, seed = 2): string[] {
  const random = rng(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const shapes = [
    () =>
      `[FIRING:1] ${pick(ALERTS)} ${pick(SERVICES)} ${pick(['web', 'db', 'app'])}-${Math.floor(random() * 60)}`,
    () =>
      `${pick(SERVICES)} ${pick(['5xx after deploy', 'disk full', 'slow queries', 'pods restarting', 'high latency', 'memory keeps growing'])}`,
    () =>
      `${pick(SERVICES)} の${pick(['ディスクがいっぱい', 'レイテンシが悪化', 'Pod が再起動を繰り返す', 'メモリが増え続ける'])}`,
    () => `have we seen ${pick(ALERTS)} on ${pick(SERVICES)} before? ${pick(CAUSES_EN)}`,
  ];
  return Array.from({ length: count }, () => pick(shapes)());
}
