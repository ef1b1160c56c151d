/**
 * Learned co-occurrence: alert identities (alertname|service) that start firing within a short time
 * of each other on several separate occasions attract each other in correlation, even when no label
 * or topology links them. Counting an occasion again needs a cool-down, so one storm counts once.
 */
export interface CooccurrenceSettings {
  /** Two identities co-fire when they start firing within this many seconds. */
  cofireSeconds: number;
  /** Occasions needed before a pair attracts. */
  minCount: number;
  /** A pair is counted again only after this many minutes. */
  cooldownMinutes: number;
  /** Most pairs remembered; the least counted are forgotten first. */
  maxPairs: number;
  /** A start pairs with at most this many of the latest other starts (a storm must not pair all with all). */
  maxPartnersPerStart: number;
}

export const DEFAULT_COOCCURRENCE: CooccurrenceSettings = {
  cofireSeconds: 120,
  minCount: 2,
  cooldownMinutes: 30,
  maxPairs: 100_000,
  maxPartnersPerStart: 32,
};

interface Pair {
  count: number;
  lastCounted: number;
}

export interface PairCount {
  a: string;
  b: string;
  count: number;
  lastCounted: number;
}

const key = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export class CooccurrenceModel {
  private readonly pairs = new Map<string, Pair>();
  /** Keys of the pairs counted once, oldest count first: the weakest, forgotten first. */
  private readonly once = new Set<string>();
  private readonly partners = new Map<string, Map<string, number>>();
  /** Identities that started firing lately, per environment, in the order of their latest start. */
  private readonly recent = new Map<string, { identity: string; environment: string; at: number }>();

  readonly settings: CooccurrenceSettings;

  constructor(settings: Partial<CooccurrenceSettings> = {}) {
    this.settings = { ...DEFAULT_COOCCURRENCE, ...settings };
  }

  load(rows: Iterable<PairCount>): void {
    for (const row of rows) this.set(row.a, row.b, { count: row.count, lastCounted: row.lastCounted });
  }

  /** Notes that `identity` started firing; returns the pairs whose count went up (to persist). */
  record(identity: string, environment: string, at: number): PairCount[] {
    const window = this.settings.cofireSeconds * 1000;
    for (const [key, entry] of this.recent) {
      if (entry.at >= at - window) break;
      this.recent.delete(key);
    }
    const own = `${environment}\u0000${identity}`;
    const last = this.recent.get(own);
    if (last && at >= last.at) {
      // Still firing from a recent start (another instance, say): its pairs were counted then, or
      // when the others started; only its time moves on.
      this.recent.delete(own);
      this.recent.set(own, { identity, environment, at });
      return [];
    }
    const counted: PairCount[] = [];
    for (const other of this.latestOthers(identity, environment)) {
      // Times can arrive out of order (replays): only starts close to this one count.
      if (Math.abs(at - other.at) > window) continue;
      const k = key(identity, other.identity);
      const pair = this.pairs.get(k) ?? { count: 0, lastCounted: Number.NEGATIVE_INFINITY };
      if (Math.abs(at - pair.lastCounted) < this.settings.cooldownMinutes * 60_000) continue;
      const updated = { count: pair.count + 1, lastCounted: at };
      this.set(identity, other.identity, updated);
      const [a, b] = identity < other.identity ? [identity, other.identity] : [other.identity, identity];
      counted.push({ a, b, ...updated });
    }
    this.recent.delete(own);
    this.recent.set(own, { identity, environment, at });
    while (this.pairs.size > this.settings.maxPairs) this.forgetWeakest();
    return counted;
  }

  count(a: string, b: string): number {
    return this.pairs.get(key(a, b))?.count ?? 0;
  }

  /** Identities that attract `identity` (counted at least minCount times), with their counts. */
  partnersOf(identity: string): Map<string, number> {
    return this.partners.get(identity) ?? new Map();
  }

  get size(): number {
    return this.pairs.size;
  }

  /** The latest starts of other identities in the environment, at most maxPartnersPerStart. */
  private latestOthers(identity: string, environment: string): Array<{ identity: string; at: number }> {
    const limit = this.settings.maxPartnersPerStart;
    const latest: Array<{ identity: string; at: number }> = [];
    // `recent` is in the order of latest start, so the last ones seen are the latest.
    for (const other of this.recent.values()) {
      if (other.environment !== environment || other.identity === identity) continue;
      latest.push(other);
      if (latest.length > 2 * limit) latest.splice(0, latest.length - limit);
    }
    return latest.slice(-limit);
  }

  private set(a: string, b: string, pair: Pair): void {
    const k = key(a, b);
    this.pairs.set(k, pair);
    this.once.delete(k);
    if (pair.count === 1) this.once.add(k);
    if (pair.count >= this.settings.minCount) {
      this.partnerMap(a).set(b, pair.count);
      this.partnerMap(b).set(a, pair.count);
    }
  }

  private partnerMap(identity: string): Map<string, number> {
    let map = this.partners.get(identity);
    if (!map) {
      map = new Map();
      this.partners.set(identity, map);
    }
    return map;
  }

  /**
   * Pairs counted once go first, in the order they were counted (no sort: the model is full during a
   * storm of new identities, and sorting 100,000 pairs stalled the event loop). Only when every pair
   * was counted more than once are the least counted found by sorting, a tenth at a time.
   */
  private forgetWeakest(): void {
    const [oldest] = this.once;
    if (oldest !== undefined) {
      this.forget(oldest);
      return;
    }
    const sorted = [...this.pairs.entries()].sort(
      (x, y) => x[1].count - y[1].count || x[1].lastCounted - y[1].lastCounted,
    );
    for (const [k] of sorted.slice(0, Math.ceil(this.settings.maxPairs / 10))) this.forget(k);
  }

  private forget(k: string): void {
    this.pairs.delete(k);
    this.once.delete(k);
    const [a, b] = k.split('\u0000') as [string, string];
    this.partners.get(a)?.delete(b);
    this.partners.get(b)?.delete(a);
  }
}
