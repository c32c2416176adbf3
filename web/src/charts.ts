// The ECharts parts this dashboard uses (tree-shaken: line, bar and radar on canvas), and chart instances that follow
// their container's size.
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { BarChart, LineChart, RadarChart, type BarSeriesOption, type LineSeriesOption, type RadarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  RadarComponent,
  TooltipComponent,
  type GridComponentOption,
  type RadarComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// No legend component: the trend's legend is two HTML items in the card header, which saves ~17 KiB.
use([BarChart, LineChart, RadarChart, GridComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | RadarSeriesOption
  | GridComponentOption
  | RadarComponentOption
  | TooltipComponentOption
>;

export const COLORS = {
  primary: '#2563eb',
  bars: '#c7d7fe',
  promoters: '#16a34a',
  passives: '#d4a017',
  detractors: '#dc2626',
  axis: '#64748b',
  grid: '#e2e8f0',
  text: '#0f172a',
};

export const FONT_FAMILY =
  'Inter, "Segoe UI", system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

/** A chart bound to a container; it is created on first use and resized whenever the container changes size. */
export function createChart(container: HTMLElement): () => EChartsType {
  let chart: EChartsType | null = null;
  return () => {
    if (!chart) {
      chart = init(container, undefined, { renderer: 'canvas' });
      const current = chart;
      new ResizeObserver(() => current.resize()).observe(container);
    }
    return chart;
  };
}
