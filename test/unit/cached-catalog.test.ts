// The catalog cache's freshness rules with an in-memory catalog store: when it reloads, and which reload it keeps.
import { describe, expect, it } from 'vitest';
import { cachedCatalog, MAX_CACHED_VERSIONS } from '../../functions/aws/catalog-store.ts';
import { demoManagers, demoOrganisation, demoRules, demoSurveys, demoUnits } from '../../functions/local/demo.ts';
import type { Catalog, CatalogStore, SurveyStore } from '../../functions/ports.ts';

/** The cache hands authoring straight to the store; these tests never author. */
const noAuthoring = new Proxy({} as SurveyStore, {
  get: (_target, name) => () => Promise.reject(new Error(`not used here: ${String(name)}`)),
});

/** A catalog store in memory whose stamp the test moves, and whose full loads the test can hold back. */
function memoryStore() {
  const state = { version: 1, loads: 0, versionReads: 0, hold: undefined as Promise<void> | undefined };
  const snapshot = (): Catalog => ({
    organisation: demoOrganisation,
    units: demoUnits,
    surveys: demoSurveys.map((s) => ({ ...s, version: 1 })),
    surveyStates: {},
    rules: demoRules,
    managers: demoManagers,
    version: state.version,
  });
  const store: CatalogStore = {
    version: async () => state.version,
    // Every survey id has versions 1–1000 here; anything else is unknown.
    async surveyVersion(id, version) {
      state.versionReads++;
      return version <= 1000 ? { ...demoSurveys[0]!, id, version } : undefined;
    },
    surveyAuthoring: noAuthoring,
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

  it('keeps published survey versions for good (they never change), bounded, and does not keep a miss', async () => {
    const { store, state } = memoryStore();
    const cache = cachedCatalog(store);
    const first = await cache.surveyVersion('hotel-stay', 2);
    expect(first?.version).toBe(2);
    expect(await cache.surveyVersion('hotel-stay', 2)).toBe(first);
    await cache.putRule(demoRules[0]!); // a catalog write does not drop immutable versions
    expect(await cache.surveyVersion('hotel-stay', 2)).toBe(first);
    expect(state.versionReads).toBe(1);

    expect(await cache.surveyVersion('hotel-stay', 5000)).toBeUndefined();
    expect(await cache.surveyVersion('hotel-stay', 5000)).toBeUndefined();
    expect(state.versionReads).toBe(3);

    // Fill past the bound: the least recently used goes first, a recently read one stays.
    state.versionReads = 0;
    for (let v = 1; v <= MAX_CACHED_VERSIONS; v++) {
      await cache.surveyVersion('other', v);
      if (v % 100 === 0) await cache.surveyVersion('hotel-stay', 2);
    }
    expect(state.versionReads).toBe(MAX_CACHED_VERSIONS);
    expect(await cache.surveyVersion('hotel-stay', 2)).toBe(first);
    await cache.surveyVersion('other', 1);
    expect(state.versionReads).toBe(MAX_CACHED_VERSIONS + 1);
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
