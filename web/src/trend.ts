// The trend chart: NPS as a line over response-count bars, one point per day/week/month/quarter/year bucket.
import type { Bucket } from './api.ts';
import { COLORS, FONT_FAMILY, createChart, type ChartOption } from './charts.ts';
import { bucketLabel, count, num } from './format.ts';
import { t } from './i18n.ts';
import type { Granularity } from './periods.ts';

export interface TrendView {
  render(buckets: readonly Bucket[], granularity: Granularity): void;
}

export function createTrendView(container: HTMLElement): TrendView {
  const chart = createChart(container);
  return {
    render(buckets, granularity) {
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
            min: (range: { min: number }) => Math.max(-100, Math.floor((range.min - 5) / 10) * 10),
            max: (range: { max: number }) => Math.min(100, Math.ceil((range.max + 5) / 10) * 10),
            splitLine: { lineStyle: { color: COLORS.grid } },
            axisLabel: { color: COLORS.primary },
          },
          {
            type: 'value',
            minInterval: 1,
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
            smooth: 0.25,
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
