// The closed-loop cards (open, overdue, median time to acknowledge and to resolve, % within SLA, escalations), their
// one-line reading, and the tickets per unit.
import type { LoopMetrics } from './api.ts';
import { h, setAttr, setText, syncList } from './dom.ts';
import { formatDuration } from './durations.ts';
import { count } from './format.ts';
import { t } from './i18n.ts';
import type { Tone } from './format.ts';
import { loopReading } from './readings.ts';

type LoopKey = 'open' | 'overdue' | 'ttA' | 'ttR' | 'withinSla' | 'escalations';

const CARDS: Record<LoopKey, { value: (m: LoopMetrics) => number | null; text: (v: number) => string; tone: (v: number | null) => Tone }> = {
  open: { value: (m) => m.open, text: count, tone: () => 'none' },
  overdue: { value: (m) => m.overdue, text: count, tone: (v) => (v === null ? 'none' : v > 0 ? 'poor' : 'good') },
  ttA: { value: (m) => m.medianMinutesToAcknowledge, text: (v) => formatDuration(v), tone: () => 'none' },
  ttR: { value: (m) => m.medianMinutesToResolve, text: (v) => formatDuration(v), tone: () => 'none' },
  withinSla: {
    value: (m) => m.withinSlaPercent,
    text: (v) => `${Math.round(v)}%`,
    tone: (v) => (v === null ? 'none' : v >= 90 ? 'good' : v >= 70 ? 'fair' : 'poor'),
  },
  escalations: { value: (m) => m.escalations, text: count, tone: (v) => (v ? 'fair' : 'none') },
};

export interface LoopView {
  /** `error` says why there are no metrics (the board works without them). */
  render(metrics: LoopMetrics | null, error?: string): void;
}

export function createLoopView(
  elements: { reading: HTMLElement; byUnitCard: HTMLElement; byUnitBody: HTMLElement },
  unitName: (unitId: string) => string,
  select: (unitId: string) => void,
): LoopView {
  elements.byUnitBody.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('[data-unit-id]');
    if (row?.dataset.unitId) select(row.dataset.unitId);
  });

  return {
    render(metrics, error) {
      for (const key of Object.keys(CARDS) as LoopKey[]) {
        const spec = CARDS[key];
        const card = document.querySelector<HTMLElement>(`[data-loop-card="${key}"]`);
        const valueEl = card?.querySelector<HTMLElement>(`[data-loop="${key}"]`);
        if (!card || !valueEl) continue;
        const value = metrics ? spec.value(metrics) : null;
        const text = value === null ? '—' : spec.text(value);
        if (valueEl.textContent !== text) {
          // Numbers large, their units ("h", "min", "%") small, as in the overview's cards.
          valueEl.replaceChildren(...text.split(/(\d+)/).filter(Boolean).map((piece) => (/^\d+$/.test(piece) ? piece : h('small', { class: 'unit' }, piece))));
        }
        setAttr(valueEl, 'data-value', value === null ? '' : String(value));
        setAttr(card, 'data-tone', spec.tone(value));
      }
      setText(elements.reading, metrics ? loopReading(metrics) : error ? t('loop.unavailable', { message: error }) : '');

      const rows = [...(metrics?.byUnit ?? [])].sort((a, b) => b.overdue - a.overdue || b.open - a.open || b.total - a.total);
      elements.byUnitCard.hidden = rows.every((r) => r.total === 0);
      syncList(
        elements.byUnitBody,
        rows,
        (r) => r.unitId,
        (r) =>
          h(
            'tr',
            { 'data-unit-id': r.unitId },
            h('th', { scope: 'row' }, h('button', { type: 'button', class: 'unit-link' })),
            h('td', { class: 'num', 'data-col': 'open' }),
            h('td', { class: 'num', 'data-col': 'overdue' }),
            h('td', { class: 'num', 'data-col': 'total' }),
          ),
        (row, r) => {
          const button = row.querySelector('.unit-link');
          if (button) setText(button, unitName(r.unitId));
          for (const col of ['open', 'overdue', 'total'] as const) {
            const cell = row.querySelector<HTMLElement>(`[data-col="${col}"]`);
            if (!cell) continue;
            setText(cell, count(r[col]));
            setAttr(cell, 'data-value', String(r[col]));
          }
          setAttr(row, 'data-overdue', r.overdue > 0 ? 'true' : null);
        },
      );
    },
  };
}
