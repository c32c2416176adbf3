// The trend chart: NPS as a line over response-count bars, one point per day/week/month/quarter/year bucket.
import type { Bucket } from './api.ts';
import { COLORS, FONT_FAMILY, createChart, type ChartOption } from './charts.ts';
import { bucketLabel, count, num } from './format.ts';
import { locale, t } from './i18n.ts';
import type { Granularity } from './periods.ts';

export interface TrendView {
  render(buckets: readonly Bucket[], granularity: Granularity): void;
}

export function createTrendView(container: HTMLElement): TrendView {
  const chart = createChart(container);
  let shown = '';
  return {
    render(buckets, granularity) {
      // Polling re-renders every few seconds; leave the chart alone (and an open tooltip open) when nothing changed.
      const key = JSON.stringify([locale(), granularity, buckets]);
      if (key === shown) return;
      shown = key;
      const labels = buckets.map((b) => bucketLabel(b.start, granularity));
      const dense = buckets.length > 60;
      const option: ChartOption = {
        animationDurationUpdate: 300,
        textStyle: { fontFamily: FONT_FAMILY, color: COLORS.text },
        grid: { left: 4, right: 4, top: 14, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
        xAxis: {
          type: 'category',
          data: labels,
          axisTick: { show: false },
          axisLine: { lineStyle: { color: COLORS.grid } },
          axisLabel: { color: COLORS.axis, hideOverlap: true },
        },
        yAxis: [
          {
            type: 'value',
            ...npsAxis(buckets),
            splitLine: { lineStyle: { color: COLORS.grid } },
            axisLabel: { color: COLORS.primary },
          },
          {
            type: 'value',
            minInterval: 1,
            // Align with the NPS ticks when there are counts; an empty period gets a plain 0…5 scale.
            alignTicks: buckets.some((b) => b.count > 0),
            max: buckets.some((b) => b.count > 0) ? undefined : 5,
            splitLine: { show: false },
            axisLabel: { color: COLORS.axis },
          },
        ],
        series: [
          {
            id: 'count',
            name: t('trend.count'),
            type: 'bar',
            yAxisIndex: 1,
            data: buckets.map((b) => b.count),
            barMaxWidth: 22,
            itemStyle: { color: COLORS.bars, borderRadius: [3, 3, 0, 0] },
            tooltip: { valueFormatter: (v) => (typeof v === 'number' ? count(v) : '—') },
          },
          {
            id: 'nps',
            name: t('trend.nps'),
            type: 'line',
            yAxisIndex: 0,
            data: buckets.map((b) => b.nps),
            connectNulls: true,
            smooth: true,
            smoothMonotone: 'x',
            showSymbol: !dense,
            symbolSize: 6,
            lineStyle: { width: 2.5, color: COLORS.primary },
            itemStyle: { color: COLORS.primary },
            tooltip: { valueFormatter: (v) => (typeof v === 'number' ? num(v, 1) : '—') },
          },
        ],
      };
      chart().setOption(option);
    },
  };
}

const NICE_STEPS = [5, 10, 20, 25, 50];

/**
 * NPS axis bounds on a nice step around the data, never beyond −100…100. Every step divides 100, so clamping to ±100
 * keeps the ticks aligned.
 */
export function npsAxis(buckets: readonly Bucket[]): { min: number; max: number; interval: number } {
  const values = buckets.map((b) => b.nps).filter((v): v is number => v !== null);
  if (values.length === 0) return { min: 0, max: 100, interval: 25 };
  const low = Math.min(...values);
  const high = Math.max(...values);
  const interval = NICE_STEPS.find((step) => (high - low) / step <= 4) ?? 50;
  let min = Math.max(-100, Math.floor(low / interval) * interval);
  let max = Math.min(100, Math.ceil(high / interval) * interval);
  if (max === min) {
    if (max < 100) max += interval;
    else min -= interval;
  }
  return { min, max, interval };
}
