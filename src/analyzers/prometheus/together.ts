/** A moment a series changed, how much, and how sure. */
export interface Change {
  at: number;
  before: number;
  after: number;
  strength: number;
}

/** Series whose changes line up (within `toleranceMs`) with the anchor's, strongest first. Pure. */
export function changedTogether<T>(
  anchor: Change,
  others: Array<{ item: T; change: Change | null }>,
  toleranceMs: number,
): Array<{ item: T; change: Change }> {
  return others
    .filter(
      (o): o is { item: T; change: Change } =>
        o.change !== null && Math.abs(o.change.at - anchor.at) <= toleranceMs,
    )
    .sort(
      (a, b) =>
        b.change.strength - a.change.strength ||
        Math.abs(a.change.at - anchor.at) - Math.abs(b.change.at - anchor.at),
    );
}
