import { createCanvas, loadImage } from '@napi-rs/canvas';
import { type ChartInput, formatNumber, renderChart } from '../../src/analyzers/prometheus/chart.js';
import type { Sample } from '../../src/integrations/prometheus/client.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The plot area as the chart lays it out (margins 120 left, 36 right, 78 top, 62 bottom). */
const PLOT = { left: 120, right: 924, top: 78, bottom: 418 };

const series = (values: number[]): Sample[] => values.map((v, i) => ({ t: T0 + i * MIN, v }));
const sine = (n: number, phase = 0) =>
  Array.from({ length: n }, (_, i) => 50 + 30 * Math.sin(i / 10 + phase));

function chart(overrides: Partial<ChartInput> = {}): Buffer {
  return renderChart({
    title: 'CPU usage · web-1:9100',
    unit: '%',
    series: [{ label: 'web-1', points: series(sine(121)) }],
    ...overrides,
  });
}

/** Width and height from the IHDR chunk, which must come first. */
function dimensions(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** RGBA of one pixel of a PNG. */
async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number, number]> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const [r, gr, b, a] = g.getImageData(x, y, 1, 1).data;
  return [r ?? -1, gr ?? -1, b ?? -1, a ?? -1];
}

const isWhite = ([r, g, b]: number[]) => (r ?? 0) >= 250 && (g ?? 0) >= 250 && (b ?? 0) >= 250;
/** #1f4e9c, the first series' colour (anti-aliasing allowed). */
const isBlue = ([r, , b]: number[]) => (b ?? 0) > 120 && (b ?? 0) - (r ?? 0) > 60;
/** The anomalous span's light red shading over white. */
const isShaded = ([r, g, b]: number[]) =>
  (r ?? 0) > 235 && (r ?? 0) - (g ?? 0) > 20 && Math.abs((g ?? 0) - (b ?? 0)) < 6;

describe('renderChart', () => {
  test('returns a 960×480 PNG', () => {
    const png = chart();
    expect(dimensions(png)).toEqual({ width: 960, height: 480 });
    // IEND closes it.
    expect(png.subarray(png.length - 8, png.length - 4).toString('ascii')).toBe('IEND');
  });

  test('the same input renders the same bytes; different input, different bytes', () => {
    const a = chart();
    expect(chart().equals(a)).toBe(true);
    expect(chart({ title: 'memory used' }).equals(a)).toBe(false);
    expect(chart({ series: [{ label: 'web-1', points: series(sine(121, 1)) }] }).equals(a)).toBe(false);
    expect(chart({ threshold: 90 }).equals(a)).toBe(false);
    expect(chart({ span: { start: T0 + 20 * MIN, end: T0 + 40 * MIN } }).equals(a)).toBe(false);
    expect(chart({ alertAt: T0 + 30 * MIN }).equals(a)).toBe(false);
    expect(
      chart({
        series: [
          { label: 'web-1', points: series(sine(121)) },
          { label: 'web-2', points: series(sine(121, 2)) },
        ],
      }).equals(a),
    ).toBe(false);
  });

  test('no series, or only NaN points: the "no data" chart, still 960×480', async () => {
    const empty = chart({ series: [] });
    expect(dimensions(empty)).toEqual({ width: 960, height: 480 });
    const allNaN = chart({ series: [{ label: 'x', points: series([Number.NaN, Number.NaN, Number.NaN]) }] });
    expect(allNaN.equals(empty)).toBe(true);
    expect(chart({ series: [{ label: 'x', points: [] }] }).equals(empty)).toBe(true);
    expect(empty.equals(chart())).toBe(false);
    // No plot: the middle of where the plot would be is white.
    expect(isWhite(await pixel(empty, 300, 300))).toBe(true);
  });

  test('a constant series is drawn across the middle of the plot', async () => {
    const png = chart({ series: [{ label: 'x', points: series(Array.from({ length: 11 }, () => 5)) }] });
    expect(dimensions(png)).toEqual({ width: 960, height: 480 });
    const middle = Math.round((PLOT.top + PLOT.bottom) / 2);
    expect(isBlue(await pixel(png, 522, middle))).toBe(true);
    expect(isWhite(await pixel(png, 522, middle - 40))).toBe(true);
  });

  test('a NaN point breaks the line instead of dropping to zero or joining its neighbours', async () => {
    const values = Array.from({ length: 11 }, () => 5);
    const middle = Math.round((PLOT.top + PLOT.bottom) / 2);
    const joined = chart({ series: [{ label: 'x', points: series(values) }] });
    values[5] = Number.NaN;
    const broken = chart({ series: [{ label: 'x', points: series(values) }] });
    // x of the NaN sample: halfway across the plot.
    const x = (PLOT.left + PLOT.right) / 2;
    expect(isBlue(await pixel(joined, x, middle))).toBe(true);
    expect(isWhite(await pixel(broken, x, middle))).toBe(true);
    // The rest of the line is still there.
    expect(isBlue(await pixel(broken, PLOT.left + 100, middle))).toBe(true);
    expect(isBlue(await pixel(broken, PLOT.right - 100, middle))).toBe(true);
  });

  test('the anomalous span is shaded where it is', async () => {
    // Two hours; span from 30 to 60 minutes: x 321 to 522.
    const png = chart({
      series: [{ label: 'x', points: series(Array.from({ length: 121 }, () => 5)) }],
      span: { start: T0 + 30 * MIN, end: T0 + 60 * MIN },
    });
    expect(isShaded(await pixel(png, 420, 120))).toBe(true);
    expect(isWhite(await pixel(png, 700, 120))).toBe(true);
    expect(isWhite(await pixel(png, 200, 120))).toBe(true);
  });

  test('a span outside the time range renders without shading the plot', async () => {
    const base = { series: [{ label: 'x', points: series(Array.from({ length: 121 }, () => 5)) }] };
    const after = chart({ ...base, span: { start: T0 + 500 * MIN, end: T0 + 600 * MIN } });
    expect(dimensions(after)).toEqual({ width: 960, height: 480 });
    expect(isWhite(await pixel(after, 522, 120))).toBe(true);
    expect(isWhite(await pixel(after, PLOT.right - 3, 120))).toBe(true);
    const before = chart({ ...base, span: { start: T0 - 600 * MIN, end: T0 - 500 * MIN } });
    expect(dimensions(before)).toEqual({ width: 960, height: 480 });
    expect(isWhite(await pixel(before, 522, 120))).toBe(true);
  });

  test('an alert time outside the range draws no marker', () => {
    expect(chart({ alertAt: T0 - 10 * MIN }).equals(chart())).toBe(true);
    expect(chart({ alertAt: T0 + 500 * MIN }).equals(chart())).toBe(true);
  });

  test('renders in less than 200 ms', () => {
    chart();
    const input: ChartInput = {
      title: 'p99 latency · checkout',
      unit: 's',
      series: [0, 1, 2].map((k) => ({ label: `s${k}`, points: series(sine(480, k)) })),
      span: { start: T0 + 100 * MIN, end: T0 + 160 * MIN },
      alertAt: T0 + 120 * MIN,
      threshold: 70,
    };
    const started = performance.now();
    const png = renderChart(input);
    expect(performance.now() - started).toBeLessThan(200);
    expect(dimensions(png)).toEqual({ width: 960, height: 480 });
  });
});

describe('formatNumber', () => {
  test.each([
    [0, '0'],
    [0.1234, '0.12'],
    [0.000123, '0.00012'],
    [-0.5, '-0.50'],
    [1, '1.0'],
    [5.26, '5.3'],
    [99.94, '99.9'],
    [100, '100'],
    [150.4, '150'],
    [9999, '9999'],
    [10_000, '10k'],
    [12_345, '12k'],
    [999_499, '999k'],
    [1_000_000, '1.0M'],
    [2_500_000, '2.5M'],
    [-2_000_000, '-2.0M'],
    [1.5e9, '1.5G'],
    [3e12, '3000.0G'],
  ])('%p → %p', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
