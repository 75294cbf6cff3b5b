// The two charts of the Deliveries tab, drawn as SVG: outcomes per bucket as stacked bars, and
// latency percentiles as lines. Each has a text summary for screen readers.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 24, left: 58 };

export const OUTCOMES = [
  { key: 'delivered', label: 'Delivered' },
  { key: 'retrying', label: 'Retrying' },
  { key: 'failed', label: 'Failed' },
  { key: 'filtered', label: 'Filtered' },
];

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least {@code value}. */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value);
}

const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' });

function frame(label, max, unit, buckets) {
  const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart' });
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    const y = PAD.top + plotH * (1 - fraction);
    svg.append(el('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: 'grid' }));
    if (Number.isInteger(value)) svg.append(el('text', { x: PAD.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, `${value}${unit}`));
  }
  const ticks = [[0, 'start'], [Math.floor(buckets.length / 2), 'middle'], [buckets.length - 1, 'end']];
  for (const [i, anchor] of ticks) {
    if (!buckets[i]) continue;
    const x = anchor === 'start' ? PAD.left : anchor === 'end' ? WIDTH - PAD.right
      : PAD.left + ((i + 0.5) / buckets.length) * (WIDTH - PAD.left - PAD.right);
    svg.append(el('text', { x, y: HEIGHT - 6, class: 'axis', 'text-anchor': anchor }, time.format(new Date(buckets[i].start))));
  }
  return svg;
}

/** Stacked bars of outcomes per bucket. */
export function outcomesChart(stats) {
  const { buckets, totals } = stats;
  const max = niceMax(Math.max(0, ...buckets.map((b) => OUTCOMES.reduce((sum, o) => sum + b[o.key], 0))));
  const per = stats.bucket_seconds === 60 ? 'minute' : `${stats.bucket_seconds / 60} minutes`;
  const summary = `Deliveries per ${per}, last ${stats.window}: ${OUTCOMES.map((o) => `${totals[o.key]} ${o.label.toLowerCase()}`).join(', ')}`;
  const svg = frame(summary, max, '', buckets);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / buckets.length;
  buckets.forEach((b, i) => {
    let y = PAD.top + plotH;
    for (const o of OUTCOMES) {
      if (!b[o.key]) continue;
      const height = (b[o.key] / max) * plotH;
      y -= height;
      const rect = el('rect', { x: PAD.left + i * barW + barW * 0.1, y, width: Math.max(1, barW * 0.8), height, class: `bar ${o.key}` });
      rect.append(el('title', {}, `${time.format(new Date(b.start))}: ${b[o.key]} ${o.label.toLowerCase()}`));
      svg.append(rect);
    }
  });
  return svg;
}

/** p50 and p95 latency per bucket, as lines; buckets without answers leave gaps. */
export function latencyChart(stats) {
  const { buckets, totals } = stats;
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.p95_ms ?? 0)));
  const summary = totals.p50_ms === null
    ? `Latency, last ${stats.window}: nothing answered`
    : `Latency, last ${stats.window}: p50 ${totals.p50_ms} ms, p95 ${totals.p95_ms} ms`;
  const svg = frame(summary, max, '', buckets);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  for (const key of ['p95_ms', 'p50_ms']) {
    let d = '';
    let pen = 'M';
    buckets.forEach((b, i) => {
      if (b[key] === null) {
        pen = 'M';
        return;
      }
      const x = PAD.left + ((i + 0.5) / buckets.length) * plotW;
      const y = PAD.top + plotH * (1 - b[key] / max);
      d += `${pen}${x.toFixed(1)},${y.toFixed(1)} `;
      pen = 'L';
      svg.append(el('circle', { cx: x, cy: y, r: 2.5, class: `dot ${key}` }, undefined));
    });
    if (d) svg.append(el('path', { d, class: `line ${key}` }));
  }
  return svg;
}
