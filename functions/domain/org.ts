// The organisation: its settings and its unit hierarchy (HQ → regions → stores/hotels).
import { z } from 'zod';
import { Locale, LOCALES, LocalizedText } from './survey.ts';

export const OrgUnit = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/),
  parentId: z.string().min(1).max(64).nullable(),
  kind: z.enum(['hq', 'region', 'area', 'store', 'department']),
  name: LocalizedText,
  /** An archived unit leaves pickers and new links; its history stays and still rolls up. */
  archived: z.boolean().optional(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

export const Organisation = z.object({
  name: LocalizedText,
  /** IANA time zone in which a response's day, week and month are counted. */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
  /** The languages the organisation works in; surveys offer a subset of these. */
  locales: z.array(Locale).min(1).max(LOCALES.length).default([...LOCALES]),
  defaultLocale: Locale,
  /** Where every respondent is invited to share a public review (offered to all, whatever their score). */
  reviewUrl: z.url().optional(),
  /** How the survey pages look: the organisation's colour, logo and footer. */
  brand: z
    .object({
      /** #rrggbb */
      primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').optional(),
      logoUrl: z.url({ protocol: /^https$/ }).max(2000).optional(),
      footer: LocalizedText.optional(),
    })
    .optional(),
});
export type Organisation = z.infer<typeof Organisation>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export class OrgTree {
  private readonly byId: Map<string, OrgUnit>;

  constructor(readonly units: readonly OrgUnit[]) {
    this.byId = new Map(units.map((u) => [u.id, u]));
  }

  get(id: string): OrgUnit | undefined {
    return this.byId.get(id);
  }

  root(): OrgUnit | undefined {
    return this.units.find((u) => u.parentId === null);
  }

  /** The unit itself followed by each unit above it, up to the root. */
  lineage(id: string): OrgUnit[] {
    const chain: OrgUnit[] = [];
    let unit = this.byId.get(id);
    while (unit && chain.length <= this.units.length) {
      chain.push(unit);
      unit = unit.parentId ? this.byId.get(unit.parentId) : undefined;
    }
    return chain;
  }

  children(id: string): OrgUnit[] {
    return this.units.filter((u) => u.parentId === id);
  }

  /** Depth of a unit: 1 for the root. */
  level(id: string): number {
    return this.lineage(id).length;
  }
}
