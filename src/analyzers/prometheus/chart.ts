import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Sample } from '../../integrations/prometheus/client.js';

/**
 * A PNG of the key series around an alert: the anomalous span shaded, the alert start marked.
 * Rendered in-process (Skia through @napi-rs/canvas), sized and lettered to stay readable when
 * Slack shows it as a ~360 px thumbnail: thick lines, large text, few labels.
 */
export interface ChartInput {
  title: string;
  unit?: string | undefined;
  series: Array<{ label: string; points: Sample[] }>;
  span?: { start: number; end: number } | undefined;
  alertAt?: number | undefined;
  threshold?: number | undefined;
}

const WIDTH = 960;
const HEIGHT = 480;
const MARGIN = { top: 78, right: 36, bottom: 62, left: 120 };
const COLORS = ['#1f4e9c', '#e07b1a', '#2e8b57'];

export function renderChart(input: ChartInput): Buffer {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, WIDTH, HEIGHT);

  const all = input.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.v));
  g.fillStyle = '#111111';
  g.font = 'bold 30px "DejaVu Sans", sans-serif';
  g.fillText(truncate(input.title, 52), 24, 46);
  if (all.length === 0) {
    g.font = '26px "DejaVu Sans", sans-serif';
    g.fillText('no data', WIDTH / 2 - 50, HEIGHT / 2);
    return canvas.toBuffer('image/png');
  }

  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  const extra = input.threshold !== undefined ? [input.threshold] : [];
  let v0 = Math.min(...all.map((p) => p.v), ...extra);
  let v1 = Math.max(...all.map((p) => p.v), ...extra);
  if (v1 === v0) {
    v0 -= 1;
    v1 += 1;
  }
  const pad = (v1 - v0) * 0.08;
  v0 -= pad;
  v1 += pad;
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: WIDTH - MARGIN.left - MARGIN.right,
    h: HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const x = (t: number) => plot.x + ((t - t0) / (t1 - t0)) * plot.w;
  const y = (v: number) => plot.y + plot.h - ((v - v0) / (v1 - v0)) * plot.h;

  if (input.span && input.span.end >= t0 && input.span.start <= t1) {
    const left = x(Math.max(t0, input.span.start));
    const right = Math.max(left + 6, x(Math.min(t1, input.span.end)));
    g.fillStyle = 'rgba(220, 40, 40, 0.18)';
    g.fillRect(left, plot.y, right - left, plot.h);
  }

  grid(g, plot, v0, v1, y, input.unit);
  timeLabels(g, plot, t0, t1, x);

  input.series.slice(0, 3).forEach((series, index) => {
    g.strokeStyle = COLORS[index] as string;
    g.lineWidth = index === 0 ? 5 : 3;
    g.lineJoin = 'round';
    g.beginPath();
    let drawing = false;
    for (const p of series.points) {
      if (!Number.isFinite(p.v)) {
        drawing = false;
        continue;
      }
      if (drawing) g.lineTo(x(p.t), y(p.v));
      else g.moveTo(x(p.t), y(p.v));
      drawing = true;
    }
    g.stroke();
  });

  if (input.threshold !== undefined) {
    g.strokeStyle = '#777777';
    g.lineWidth = 2.5;
    g.setLineDash([6, 6]);
    g.beginPath();
    g.moveTo(plot.x, y(input.threshold));
    g.lineTo(plot.x + plot.w, y(input.threshold));
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#555555';
    g.font = '20px "DejaVu Sans", sans-serif';
    g.fillText('threshold', plot.x + 8, y(input.threshold) - 8);
  }
  if (input.alertAt !== undefined && input.alertAt >= t0 && input.alertAt <= t1) {
    g.strokeStyle = '#c0392b';
    g.lineWidth = 3;
    g.setLineDash([12, 8]);
    g.beginPath();
    g.moveTo(x(input.alertAt), plot.y);
    g.lineTo(x(input.alertAt), plot.y + plot.h);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#c0392b';
    g.font = 'bold 24px "DejaVu Sans", sans-serif';
    const label = 'alert';
    const lx = Math.min(x(input.alertAt) + 8, plot.x + plot.w - g.measureText(label).width);
    g.fillText(label, lx, plot.y + 26);
  }
  if (input.series.length > 1)
    legend(
      g,
      input.series.slice(0, 3).map((s) => s.label),
    );
  return canvas.toBuffer('image/png');
}

type Plot = { x: number; y: number; w: number; h: number };

function grid(g: SKRSContext2D, plot: Plot, v0: number, v1: number, y: (v: number) => number, unit?: string) {
  g.strokeStyle = '#dddddd';
  g.lineWidth = 1.5;
  g.fillStyle = '#333333';
  g.font = '22px "DejaVu Sans", sans-serif';
  for (let i = 0; i <= 3; i++) {
    const value = v0 + ((v1 - v0) * i) / 3;
    const py = y(value);
    g.beginPath();
    g.moveTo(plot.x, py);
    g.lineTo(plot.x + plot.w, py);
    g.stroke();
    const text = `${formatNumber(value)}${unit && unit !== '%' ? '' : unit === '%' ? '%' : ''}`;
    g.fillText(text, plot.x - 14 - g.measureText(text).width, py + 8);
  }
  if (unit && unit !== '%') {
    g.fillText(unit, 18, plot.y - 14);
  }
}

function timeLabels(g: SKRSContext2D, plot: Plot, t0: number, t1: number, x: (t: number) => number) {
  g.fillStyle = '#333333';
  g.font = '22px "DejaVu Sans", sans-serif';
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    const text = new Date(t).toISOString().slice(11, 16);
    const w = g.measureText(text).width;
    g.fillText(
      text,
      Math.min(Math.max(x(t) - w / 2, plot.x - w / 2), plot.x + plot.w - w),
      plot.y + plot.h + 34,
    );
  }
  const zone = 'UTC';
  g.fillText(
    zone,
    plot.x + plot.w - g.measureText(zone).width,
    plot.y + plot.h + 58 > HEIGHT ? HEIGHT - 4 : plot.y + plot.h + 58,
  );
}

function legend(g: SKRSContext2D, labels: string[]) {
  g.font = '20px "DejaVu Sans", sans-serif';
  let lx = WIDTH - MARGIN.right;
  labels
    .map((label, i) => ({ label: truncate(label, 22), color: COLORS[i] as string }))
    .reverse()
    .forEach(({ label, color }) => {
      const w = g.measureText(label).width;
      lx -= w;
      g.fillStyle = '#333333';
      g.fillText(label, lx, 70);
      lx -= 34;
      g.fillStyle = color;
      g.fillRect(lx, 58, 26, 8);
      lx -= 18;
    });
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const rounded = (v: number, digits: number) => Number(v.toFixed(digits));
  // The unit is chosen after rounding, so 999,999 reads 1.0M rather than 1000k.
  if (rounded(abs / 1e6, 1) >= 1000) return `${sign}${(abs / 1e9).toFixed(1)}G`;
  if (rounded(abs / 1e3, 0) >= 1000) return `${sign}${(abs / 1e6).toFixed(1)}M`;
  if (rounded(abs, 0) >= 1e4) return `${sign}${(abs / 1e3).toFixed(0)}k`;
  if (rounded(abs, 1) >= 100) return value.toFixed(0);
  if (rounded(abs, 2) >= 1) return value.toFixed(1);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
