/**
 * The service dependency graph from `correlation.topology` (service → services it depends on).
 * Distances are undirected hop counts; "upstream" means "is depended on by".
 */
export class Topology {
  private readonly dependencies = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly distanceCache = new Map<string, Map<string, number>>();
  private readonly upstreamCache = new Map<string, Set<string>>();

  constructor(graph: Record<string, string[]> = {}) {
    for (const [service, deps] of Object.entries(graph)) {
      for (const dep of deps) {
        link(this.dependencies, service, dep);
        link(this.dependents, dep, service);
      }
    }
  }

  get size(): number {
    return new Set([...this.dependencies.keys(), ...this.dependents.keys()]).size;
  }

  /** Services within `maxHops` of `service` in either direction, with their hop count. */
  neighbourhood(service: string, maxHops = 3): Map<string, number> {
    const cacheKey = `${service}\u0000${maxHops}`;
    const cached = this.distanceCache.get(cacheKey);
    if (cached) return cached;
    const distances = new Map<string, number>([[service, 0]]);
    let frontier = [service];
    for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const neighbour of [
          ...(this.dependencies.get(node) ?? []),
          ...(this.dependents.get(node) ?? []),
        ]) {
          if (!distances.has(neighbour)) {
            distances.set(neighbour, hop);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
    this.distanceCache.set(cacheKey, distances);
    return distances;
  }

  /** True when `service` directly depends on `dependency`. */
  dependsOn(service: string, dependency: string): boolean {
    return this.dependencies.get(service)?.has(dependency) ?? false;
  }

  /** Every service that depends on `service`, directly or through others. */
  dependentsOf(service: string): Set<string> {
    const cached = this.upstreamCache.get(service);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.dependents.get(service) ?? [])];
    while (stack.length > 0) {
      const node = stack.pop() as string;
      if (seen.has(node) || node === service) continue;
      seen.add(node);
      stack.push(...(this.dependents.get(node) ?? []));
    }
    this.upstreamCache.set(service, seen);
    return seen;
  }

  knows(service: string): boolean {
    return this.dependencies.has(service) || this.dependents.has(service);
  }
}

function link(map: Map<string, Set<string>>, from: string, to: string): void {
  const set = map.get(from) ?? new Set<string>();
  set.add(to);
  map.set(from, set);
}
