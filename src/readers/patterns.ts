import type { AlertStatus } from '../domain/alert.js';

/**
 * Recurrence patterns of one alert identity, computed from its stored history. Pure.
 * - duplicate: a firing notification for an alert that is already firing (a re-notification);
 * - recurring: it started firing at least `recurring.count` times within the window;
 * - flapping: it changed state (firing ↔ resolved) at least `flapping.transitions` times within the window.
 */
export interface Occurrence {
  status: AlertStatus;
  at: Date;
}

export interface PatternSettings {
  recurring: { count: number; windowMinutes: number };
  flapping: { transitions: number; windowMinutes: number };
}

export interface AlertPattern {
  duplicate: boolean;
  recurring: boolean;
  flapping: boolean;
  /** Times it started firing within the recurring window, this one included. */
  firings: number;
  /** State changes within the flapping window. */
  transitions: number;
  /** When this alert identity was first seen at all. */
  firstSeen: Date;
}

/** `history` is every earlier occurrence, oldest first; `current` is the one just received. */
export function classifyPattern(
  history: Occurrence[],
  current: Occurrence,
  settings: PatternSettings,
): AlertPattern {
  const all = [...history, current];
  const previous = history[history.length - 1];
  const duplicate = current.status === 'firing' && previous?.status === 'firing';

  const recurringFrom = current.at.getTime() - settings.recurring.windowMinutes * 60_000;
  const flappingFrom = current.at.getTime() - settings.flapping.windowMinutes * 60_000;
  let firings = 0;
  let transitions = 0;
  for (let i = 0; i < all.length; i++) {
    const occurrence = all[i] as Occurrence;
    const before = all[i - 1];
    const startedFiring = occurrence.status === 'firing' && before?.status !== 'firing';
    if (startedFiring && occurrence.at.getTime() >= recurringFrom) firings++;
    if (before && before.status !== occurrence.status && occurrence.at.getTime() >= flappingFrom)
      transitions++;
  }
  return {
    duplicate,
    recurring: firings >= settings.recurring.count,
    flapping: transitions >= settings.flapping.transitions,
    firings,
    transitions,
    firstSeen: all[0]?.at ?? current.at,
  };
}
