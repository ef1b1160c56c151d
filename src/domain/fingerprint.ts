/**
 * Alertmanager's label-set fingerprint (prometheus/common model.LabelSet.Fingerprint):
 * FNV-1a 64 over the sorted label names and values, each followed by a 0xff separator.
 * Using the same function means an alert parsed from Slack text with full labels and the same
 * alert received on the webhook share one identity.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

export function labelsFingerprint(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  let hash = FNV_OFFSET;
  const feed = (bytes: Uint8Array) => {
    for (const byte of bytes) {
      hash ^= BigInt(byte);
      hash = (hash * FNV_PRIME) & MASK;
    }
  };
  const encoder = new TextEncoder();
  const separator = Uint8Array.of(SEPARATOR);
  if (names.length === 0) return hash.toString(16).padStart(16, '0');
  for (const name of names) {
    feed(encoder.encode(name));
    feed(separator);
    feed(encoder.encode(labels[name] ?? ''));
    feed(separator);
  }
  return hash.toString(16).padStart(16, '0');
}
