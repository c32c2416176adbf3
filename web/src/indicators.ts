// The indicator tree: overall → journey stages → detail items as an indented table with score bars, plus a radar of the
// journey stages.
import type { NodeScore } from './api.ts';
import { COLORS, FONT_FAMILY, createChart, type ChartOption } from './charts.ts';
import { h, setAttr, setText, syncList } from './dom.ts';
import { count, num, scoreFraction, tone } from './format.ts';
import { t } from './i18n.ts';

export interface IndicatorView {
  render(nodes: readonly NodeScore[], hasSurvey: boolean): void;
}

export function createIndicatorView(body: HTMLElement, radarContainer: HTMLElement, card: HTMLElement): IndicatorView {
  const radar = createChart(radarContainer);
  let shown = '';
  return {
    render(nodes, hasSurvey) {
      setAttr(card, 'data-state', hasSurvey ? (nodes.length ? 'ready' : 'empty') : 'no-survey');
      const ordered = treeOrder(nodes);
      syncList(body, ordered, (n) => n.nodeId, createRow, updateRow);
      const stages = ordered.filter((n) => n.level === 2);
      radarContainer.hidden = stages.length < 3;
      const key = JSON.stringify(stages);
      if (stages.length >= 3 && key !== shown) radar().setOption(radarOption(stages), { replaceMerge: ['radar', 'series'] });
      shown = key;
    },
  };
}

/** Depth-first order, so each stage is followed by its items whatever order the API lists them in. */
function treeOrder(nodes: readonly NodeScore[]): NodeScore[] {
  const children = new Map<string | null, NodeScore[]>();
  for (const node of nodes) {
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  const ids = new Set(nodes.map((n) => n.nodeId));
  const ordered: NodeScore[] = [];
  const visit = (node: NodeScore) => {
    ordered.push(node);
    for (const child of children.get(node.nodeId) ?? []) visit(child);
  };
  for (const node of nodes) if (node.parentId === null || !ids.has(node.parentId)) visit(node);
  return ordered;
}

function createRow(node: NodeScore): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-node-id': node.nodeId },
    h('th', { scope: 'row' }, h('span', { class: 'node-label' })),
    h('td', { class: 'bar-cell' }, h('span', { class: 'bar' }, h('span', { class: 'fill' }))),
    h('td', { class: 'num score' }, h('span', { class: 'score-value' }), h('small', { class: 'score-unit' })),
    h('td', { class: 'num count' }),
  );
}

function updateRow(row: HTMLTableRowElement, node: NodeScore): void {
  setAttr(row, 'data-level', String(node.level));
  setAttr(row, 'data-tone', tone(node.score, node.metric, node.scaleMax));
  const [label, barCell, scoreCell, countCell] = Array.from(row.children);
  const labelSpan = label?.firstElementChild;
  if (labelSpan) setText(labelSpan, node.label);
  const fill = barCell?.querySelector<HTMLElement>('.fill');
  if (fill) fill.style.width = `${Math.round((scoreFraction(node.score, node.metric, node.scaleMax) ?? 0) * 100)}%`;
  const value = scoreCell?.querySelector('.score-value');
  const unit = scoreCell?.querySelector('.score-unit');
  if (value) {
    setText(value, num(node.score, 1));
    setAttr(value, 'data-value', node.score === null ? '' : String(node.score));
  }
  if (unit) setText(unit, node.score === null ? '' : node.metric === 'nps' ? ' NPS' : node.scaleMax ? ` / ${node.scaleMax}` : '');
  if (countCell) setText(countCell, count(node.count));
}

function radarOption(stages: readonly NodeScore[]): ChartOption {
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    tooltip: { trigger: 'item', confine: true },
    radar: {
      radius: '62%',
      center: ['50%', '54%'],
      splitNumber: 4,
      axisName: { color: COLORS.axis, fontSize: 12 },
      splitLine: { lineStyle: { color: COLORS.grid } },
      splitArea: { show: false },
      axisLine: { lineStyle: { color: COLORS.grid } },
      indicator: stages.map((s) =>
        s.metric === 'nps' ? { name: s.label, min: -100, max: 100 } : { name: s.label, min: 1, max: s.scaleMax ?? 5 },
      ),
    },
    series: [
      {
        id: 'stages',
        type: 'radar',
        name: t('indicators.radar'),
        symbolSize: 5,
        lineStyle: { color: COLORS.primary, width: 2 },
        itemStyle: { color: COLORS.primary },
        areaStyle: { color: 'rgba(37, 99, 235, 0.15)' },
        data: [{ value: stages.map((s) => s.score ?? (s.metric === 'nps' ? -100 : 1)), name: t('indicators.radar') }],
        tooltip: {
          formatter: () => stages.map((s) => `${escapeHtml(s.label)}: ${num(s.score, 1)}${s.metric === 'nps' ? ' NPS' : ` / ${s.scaleMax ?? ''}`}`).join('<br>'),
        },
      },
    ],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
