// The dashboard's reading of the catalog: which setup step an organisation is at, which surveys and units it offers.
import { describe, expect, it } from 'vitest';
import { draftIds, isPickable, offeredSurveys, setupStage, type SetupFacts, type SetupStage } from '../../web/src/setup.ts';

describe('setupStage', () => {
  const cases: [string, SetupFacts, SetupStage | null][] = [
    ['empty catalog', { organisation: false, activeUnits: 0, offeredSurveys: 0 }, 'organisation'],
    ['units without an organisation still need it first', { organisation: false, activeUnits: 3, offeredSurveys: 1 }, 'organisation'],
    ['organisation only', { organisation: true, activeUnits: 0, offeredSurveys: 0 }, 'units'],
    ['every unit archived', { organisation: true, activeUnits: 0, offeredSurveys: 2 }, 'units'],
    ['units, no published survey', { organisation: true, activeUnits: 7, offeredSurveys: 0 }, 'survey'],
    ['set up', { organisation: true, activeUnits: 1, offeredSurveys: 1 }, null],
  ];
  it.each(cases)('%s', (_name, facts, stage) => expect(setupStage(facts)).toBe(stage));
});

describe('offeredSurveys', () => {
  const cases: [string, { id: string; status?: 'draft' | 'live' | 'closed' }[], string[]][] = [
    ['the old shape (no status) is live', [{ id: 'a' }, { id: 'b' }], ['a', 'b']],
    ['live and closed, not drafts', [{ id: 'l', status: 'live' }, { id: 'd', status: 'draft' }, { id: 'c', status: 'closed' }], ['l', 'c']],
    ['drafts only', [{ id: 'd', status: 'draft' }], []],
    ['none', [], []],
  ];
  it.each(cases)('%s', (_name, surveys, ids) => expect(offeredSurveys(surveys).map((s) => s.id)).toEqual(ids));

  it('lists at most five drafts by id', () => {
    const surveys = Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, status: 'draft' as const }));
    expect(draftIds([{ id: 'live', status: 'live' }, ...surveys])).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
  });
});

describe('isPickable', () => {
  const cases: [string, { id: string; archived?: boolean }, string | null, boolean][] = [
    ['a unit without the flag', { id: 'a' }, null, true],
    ['archived: false', { id: 'a', archived: false }, null, true],
    ['archived', { id: 'a', archived: true }, null, false],
    ['archived but being looked at', { id: 'a', archived: true }, 'a', true],
    ['archived, another unit selected', { id: 'a', archived: true }, 'b', false],
  ];
  it.each(cases)('%s', (_name, unit, selected, pickable) => expect(isPickable(unit, selected)).toBe(pickable));
});
