// The catalog cache's freshness rules with an in-memory catalog store: when it reloads, and which reload it keeps.
import { describe, expect, it } from 'vitest';
import { cachedCatalog } from '../../functions/aws/catalog-store.ts';
import { demoManagers, demoOrganisation, demoRules, demoSurveys, demoUnits } from '../../functions/local/demo.ts';
import type { Catalog, CatalogStore } from '../../functions/ports.ts';

/** A catalog store in memory whose stamp the test moves, and whose full loads the test can hold back. */
function memoryStore() {
  const state = { version: 1, loads: 0, hold: undefined as Promise<void> | undefined };
  const snapshot = (): Catalog => ({ organisation: demoOrganisation, units: demoUnits, surveys: demoSurveys, surveyStates: {}, rules: demoRules, managers: demoManagers, version: state.version });
  const store: CatalogStore = {
    version: async () => state.version,
    surveyVersion: async () => undefined,
    async load() {
      state.loads++;
      const catalog = snapshot();
      if (state.hold) await state.hold;
      return catalog;
    },
    organisation: async () => demoOrganisation,
    unitTree: async () => ({ units: demoUnits, revision: null }),
    replaceUnitTree: async () => (state.version++, true),
    putOrganisation: async () => void state.version++,
    putUnits: async () => void state.version++,
    putSurvey: async () => void state.version++,
    putRule: async () => void state.version++,
    deleteRule: async () => (state.version++, true),
    putManagers: async () => void state.version++,
  };
  return { store, state };
}

describe('cachedCatalog', () => {
  it('serves the same catalog while the stamp stays, and reloads when it moves either way (a restored table goes back)', async () => {
    const { store, state } = memoryStore();
    const cache = cachedCatalog(store);
    const first = await cache.load();
    expect(await cache.load()).toBe(first);
    expect(state.loads).toBe(1);

    await cache.putRule(demoRules[0]!);
    expect((await cache.load()).version).toBe(2);
    state.version = 1;
    expect((await cache.load()).version).toBe(1);
    expect(state.loads).toBe(3);
  });

  it('keeps the newer reload when an older, slower one finishes after it', async () => {
    const { store, state } = memoryStore();
    const cache = cachedCatalog(store);
    await cache.load();
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    state.version = 2;
    const slow = cache.load();
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    state.hold = undefined;
    state.version = 3;
    expect((await cache.load()).version).toBe(3);
    release();
    expect((await slow).version).toBe(2);
    const loads = state.loads;
    expect((await cache.load()).version).toBe(3);
    expect(state.loads).toBe(loads);
  });

  it('does not keep a failed load: the next call tries again', async () => {
    const { store, state } = memoryStore();
    let failures = 1;
    const flaky: CatalogStore = { ...store, load: async () => (failures-- > 0 ? Promise.reject(new Error('no organisation settings')) : store.load()) };
    const cache = cachedCatalog(flaky);
    await expect(cache.load()).rejects.toThrow(/no organisation settings/);
    expect((await cache.load()).version).toBe(state.version);
  });
});
