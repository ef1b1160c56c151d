/**
 * A small bilingual (English/Japanese) glossary of the words incidents are written in. Both the
 * full-text index and the offline embeddings map every variant to one concept token (`~disk`), so
 * 「ディスク使用率が逼迫」 finds "disk usage almost full" without a translation model.
 * Variants are matched on normalized text: lowercase, NFKC.
 */
export const GLOSSARY: Record<string, string[]> = {
  disk: [
    'disk',
    'disks',
    'filesystem',
    'filesystems',
    'storage',
    'volume',
    'volumes',
    'partition',
    'inode',
    'inodes',
    'ディスク',
    'ストレージ',
    'ファイルシステム',
    'ボリューム',
    'パーティション',
    'inode',
  ],
  full: [
    'full',
    'no space',
    'out of space',
    'almost full',
    'exhausted',
    'filling',
    'fills',
    'filled',
    '満杯',
    '枯渇',
    '逼迫',
    '容量不足',
    '空き容量',
    '使い切',
    'いっぱい',
  ],
  usage: ['usage', 'utilization', 'utilisation', 'used', '使用率', '使用量', '利用率'],
  memory: ['memory', 'ram', 'heap', 'rss', 'メモリ', 'メモリー', 'ヒープ'],
  oom: ['oom', 'oomkilled', 'out of memory', 'oom-killer', 'oom killer', 'メモリ不足'],
  leak: ['leak', 'leaks', 'leaking', 'リーク', '漏れ'],
  cpu: ['cpu', 'processor', 'load average', 'load', 'cpu使用率', 'プロセッサ', '負荷'],
  latency: [
    'latency',
    'slow',
    'slowness',
    'response time',
    'p99',
    'p95',
    'レイテンシ',
    '応答時間',
    'レスポンスタイム',
    '遅い',
    '遅延',
  ],
  error: [
    'error',
    'errors',
    '5xx',
    '500',
    '502',
    '503',
    '504',
    'failure',
    'failures',
    'failed',
    'failing',
    'エラー',
    '失敗',
    '異常',
  ],
  deploy: [
    'deploy',
    'deployed',
    'deployment',
    'release',
    'released',
    'rollout',
    'rolled out',
    'デプロイ',
    'リリース',
    'ロールアウト',
  ],
  rollback: [
    'rollback',
    'rolled back',
    'roll back',
    'revert',
    'reverted',
    'ロールバック',
    '切り戻し',
    '切り戻',
    'リバート',
  ],
  certificate: ['certificate', 'certificates', 'cert', 'certs', 'tls', 'ssl', 'x509', '証明書'],
  expire: ['expire', 'expired', 'expiry', 'expiring', 'expiration', '期限切れ', '有効期限', '失効', '期限'],
  replication: [
    'replication',
    'replica',
    'replicas',
    'standby',
    'レプリケーション',
    'レプリカ',
    'スタンバイ',
  ],
  lag: ['lag', 'lagging', 'behind', 'delay', 'delayed', 'ラグ', '遅延', '遅れ'],
  restart: ['restart', 'restarted', 'restarts', 'reboot', 'rebooted', 'bounce', '再起動', 'リスタート'],
  crash: [
    'crash',
    'crashes',
    'crashed',
    'crashloop',
    'crashloopbackoff',
    'panic',
    'segfault',
    'クラッシュ',
    '落ちる',
    '落ちた',
    'ダウン',
  ],
  dns: ['dns', 'resolve', 'resolution', 'nxdomain', 'coredns', '名前解決', 'dns解決'],
  network: [
    'network',
    'packet loss',
    'partition',
    'connectivity',
    'unreachable',
    'ネットワーク',
    '疎通',
    'パケットロス',
    '到達不能',
  ],
  timeout: ['timeout', 'timeouts', 'timed out', 'time out', 'タイムアウト'],
  connection: ['connection', 'connections', 'connect', 'socket', 'sockets', '接続', 'コネクション'],
  pool: ['pool', 'pools', 'pooling', 'max_connections', 'プール'],
  queue: ['queue', 'queues', 'backlog', 'キュー', '滞留', 'バックログ'],
  consumer: ['consumer', 'consumers', 'consumer group', 'コンシューマ', 'コンシューマー'],
  database: ['database', 'databases', 'db', 'postgres', 'postgresql', 'mysql', 'rds', 'データベース', 'db'],
  log: ['log', 'logs', 'logging', 'debug log', 'journal', 'ログ', 'デバッグログ'],
  outage: [
    'outage',
    'down',
    'unavailable',
    'unavailability',
    'not responding',
    'unresponsive',
    'dead',
    '停止',
    '障害',
    '不通',
    '応答なし',
    '利用不可',
  ],
  spike: [
    'spike',
    'spikes',
    'spiked',
    'surge',
    'jump',
    'increase',
    'increased',
    'high',
    'elevated',
    '急増',
    '急上昇',
    '高騰',
    '上昇',
    'スパイク',
    '増加',
  ],
  drop: ['drop', 'dropped', 'decrease', 'decreased', 'low', 'fell', '低下', '減少', '急減'],
  kubernetes: ['kubernetes', 'k8s', 'kubelet', 'kubectl', 'pod', 'pods', 'クバネティス', 'ポッド'],
  node: [
    'node',
    'nodes',
    'host',
    'hosts',
    'server',
    'servers',
    'instance',
    'vm',
    'ノード',
    'ホスト',
    'サーバ',
    'サーバー',
    'インスタンス',
  ],
  notready: ['notready', 'not ready', 'unready', 'readiness', 'notready状態', '準備未完了'],
  secret: [
    'secret',
    'secrets',
    'credential',
    'credentials',
    'password',
    'シークレット',
    '認証情報',
    'パスワード',
  ],
  config: ['config', 'configuration', 'configmap', 'setting', 'settings', 'env var', '設定', 'コンフィグ'],
  cache: ['cache', 'caching', 'redis', 'memcached', 'キャッシュ'],
  eviction: ['eviction', 'evicted', 'evicting', 'evict', 'maxmemory', '退避', '追い出し', 'エビクション'],
  kafka: ['kafka', 'topic', 'partition offset', 'broker', 'ブローカー', 'トピック'],
  ratelimit: [
    'rate limit',
    'rate limited',
    'rate-limited',
    'ratelimit',
    'throttle',
    'throttled',
    'throttling',
    '429',
    'レート制限',
    'スロットリング',
    '流量制限',
  ],
  thirdparty: [
    'third party',
    'third-party',
    'provider',
    'vendor',
    'upstream',
    'external api',
    '外部api',
    '外部サービス',
    'プロバイダ',
    'ベンダー',
  ],
  clock: ['clock', 'clock skew', 'ntp', 'chrony', 'time drift', 'drift', '時刻', '時刻ずれ', 'ntp同期'],
  cron: ['cron', 'cronjob', 'batch', 'scheduled job', 'job', 'クーロン', 'バッチ', '定期実行', 'ジョブ'],
  io: ['i/o', 'io', 'iops', 'iowait', 'disk latency', 'ディスクi/o', 'io待ち'],
  gc: ['gc', 'garbage collection', 'full gc', 'stop-the-world', 'ガベージコレクション'],
  wal: ['wal', 'write-ahead log', 'archive', 'archiving', 'archive_command', 'アーカイブ'],
  image: ['image', 'images', 'docker', 'container image', 'イメージ', 'コンテナイメージ'],
  checkout: ['checkout', 'チェックアウト', '決済画面'],
  payment: ['payment', 'payments', '決済', '支払い'],
  cleanup: [
    'cleanup',
    'clean up',
    'cleaned',
    'delete',
    'deleted',
    'purge',
    'rotate',
    'rotation',
    'logrotate',
    '削除',
    '掃除',
    'ローテーション',
    'クリーンアップ',
  ],
  scale: [
    'scale',
    'scaled',
    'scale out',
    'scale up',
    'autoscale',
    'replicas increased',
    'スケール',
    'スケールアウト',
    '増強',
  ],
};

export interface GlossaryMatcher {
  /** Concept names (`disk`, `full`) for the variants found in normalized text. */
  concepts(normalized: string, words: string[]): string[];
}

const LATIN = /^[ -~]+$/;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Single words are looked up in a map; multi-word and Japanese variants are found by one combined
 * regular expression each, so matching stays linear in the text however large the glossary grows.
 */
export function buildMatcher(glossary: Record<string, string[]> = GLOSSARY): GlossaryMatcher {
  const words = new Map<string, string>();
  const phrases = new Map<string, string>();
  const cjk = new Map<string, string>();
  for (const [concept, variants] of Object.entries(glossary)) {
    for (const raw of variants) {
      const variant = raw.normalize('NFKC').toLowerCase();
      if (!LATIN.test(variant)) cjk.set(variant, concept);
      else if (/[\s/-]/.test(variant)) phrases.set(variant.replace(/[\s_-]+/g, ' '), concept);
      else words.set(variant, concept);
    }
  }
  const byLength = (a: string, b: string) => b.length - a.length;
  const phrasePattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${[...phrases.keys()]
      .sort(byLength)
      .map((p) => escapeRegExp(p).replace(/ /g, '[\\s_-]+'))
      .join('|')})(?![\\p{L}\\p{N}])`,
    'gu',
  );
  const cjkPattern = new RegExp([...cjk.keys()].sort(byLength).map(escapeRegExp).join('|'), 'gu');
  return {
    concepts(normalized: string, tokens: string[]): string[] {
      const found = new Set<string>();
      for (const token of tokens) {
        const concept = words.get(token);
        if (concept) found.add(concept);
      }
      for (const match of normalized.matchAll(phrasePattern)) {
        const concept = phrases.get(match[0].replace(/[\s_-]+/g, ' '));
        if (concept) found.add(concept);
      }
      for (const match of normalized.matchAll(cjkPattern)) {
        const concept = cjk.get(match[0]);
        if (concept) found.add(concept);
      }
      return [...found];
    },
  };
}
