import type { AlertStatus } from '../../src/domain/alert.js';
import { classifyPattern, type Occurrence, type PatternSettings } from '../../src/readers/patterns.js';

const SETTINGS: PatternSettings = {
  recurring: { count: 3, windowMinutes: 60 },
  flapping: { transitions: 4, windowMinutes: 30 },
};

const NOW = new Date('2024-06-10T12:00:00.000Z');
/** An occurrence `minutesAgo` before NOW. */
const at = (status: AlertStatus, minutesAgo: number): Occurrence => ({
  status,
  at: new Date(NOW.getTime() - minutesAgo * 60_000),
});
const firingNow = at('firing', 0);
const resolvedNow = at('resolved', 0);

describe('classifyPattern', () => {
  test('first occurrence: nothing special, one firing, first seen now', () => {
    expect(classifyPattern([], firingNow, SETTINGS)).toEqual({
      duplicate: false,
      recurring: false,
      flapping: false,
      firings: 1,
      transitions: 0,
      firstSeen: NOW,
    });
  });

  test('firing after firing is a duplicate that does not count as a new firing', () => {
    const history = [at('firing', 5)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    expect(pattern.duplicate).toBe(true);
    expect(pattern.firings).toBe(1);
    expect(pattern.transitions).toBe(0);
    expect(pattern.firstSeen).toEqual(history[0]?.at);
  });

  test('resolved after firing is not a duplicate; it is one transition', () => {
    const pattern = classifyPattern([at('firing', 10)], resolvedNow, SETTINGS);
    expect(pattern.duplicate).toBe(false);
    expect(pattern.transitions).toBe(1);
    expect(pattern.firings).toBe(1);
  });

  test('firing after resolved is a new firing, not a duplicate', () => {
    const pattern = classifyPattern([at('firing', 20), at('resolved', 10)], firingNow, SETTINGS);
    expect(pattern.duplicate).toBe(false);
    expect(pattern.firings).toBe(2);
    expect(pattern.recurring).toBe(false);
  });

  test('recurring: it started firing `count` times within the window', () => {
    const history = [at('firing', 50), at('resolved', 45), at('firing', 40), at('resolved', 35)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    expect(pattern.firings).toBe(3);
    expect(pattern.recurring).toBe(true);
  });

  test('recurring: firings before the window are not counted', () => {
    const history = [at('firing', 120), at('resolved', 110), at('firing', 40), at('resolved', 35)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    expect(pattern.firings).toBe(2);
    expect(pattern.recurring).toBe(false);
    expect(pattern.firstSeen).toEqual(history[0]?.at);
  });

  test('recurring: a firing exactly at the window edge counts', () => {
    const history = [at('firing', 60), at('resolved', 50), at('firing', 40), at('resolved', 30)];
    expect(classifyPattern(history, firingNow, SETTINGS).firings).toBe(3);
  });

  test('re-notifications of one firing do not make it recurring', () => {
    const history = [at('firing', 50), at('firing', 40), at('firing', 30), at('firing', 20)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    expect(pattern.firings).toBe(1);
    expect(pattern.recurring).toBe(false);
    expect(pattern.duplicate).toBe(true);
  });

  test('flapping: `transitions` state changes within the window', () => {
    const history = [at('firing', 25), at('resolved', 20), at('firing', 15), at('resolved', 10)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    expect(pattern.transitions).toBe(4);
    expect(pattern.flapping).toBe(true);
  });

  test('flapping: one change short is not flapping', () => {
    const history = [at('firing', 25), at('resolved', 20), at('firing', 15)];
    const pattern = classifyPattern(history, resolvedNow, SETTINGS);
    expect(pattern.transitions).toBe(3);
    expect(pattern.flapping).toBe(false);
  });

  test('flapping: changes before the window are not counted', () => {
    const history = [at('firing', 90), at('resolved', 80), at('firing', 70), at('resolved', 20)];
    const pattern = classifyPattern(history, firingNow, SETTINGS);
    // Only resolved@20 and firing@0 are state changes inside the 30-minute window.
    expect(pattern.transitions).toBe(2);
    expect(pattern.flapping).toBe(false);
    // But the recurring window (60 min) still sees firing@0 only, plus none before 60 min.
    expect(pattern.firings).toBe(1);
  });

  test('repeated identical statuses are not transitions', () => {
    const history = [at('firing', 20), at('firing', 15), at('resolved', 10), at('resolved', 5)];
    expect(classifyPattern(history, resolvedNow, SETTINGS).transitions).toBe(1);
  });

  test('thresholds come from the settings', () => {
    const history = [at('firing', 20), at('resolved', 10)];
    const strict = {
      recurring: { count: 2, windowMinutes: 60 },
      flapping: { transitions: 2, windowMinutes: 60 },
    };
    const pattern = classifyPattern(history, firingNow, strict);
    expect(pattern).toMatchObject({ recurring: true, flapping: true, firings: 2, transitions: 2 });
  });
});
