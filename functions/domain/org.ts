// The organisation: its settings and its unit hierarchy (HQ → regions → stores/hotels).
import { z } from 'zod';
import { idSchema } from './ids.ts';
import { Locale, LOCALES, LocalizedText, ShownText } from './survey.ts';

/** Letters, digits, "-" and "_", starting with a letter or digit: safe in keys, links and CSV cells. */
export const UNIT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const UNIT_KINDS = ['hq', 'region', 'area', 'store', 'department'] as const;
/** A unit's name in one language: short, because it is a label in pickers, links and dashboards. */
export const MAX_UNIT_NAME_LENGTH = 200;
/** Most units one organisation's tree holds (every unit is in the catalog snapshot each function loads). */
export const MAX_UNITS = 20_000;
/**
 * Deepest tree allowed, the root being level 1: every response adds counters in its unit and each unit above it, so
 * depth multiplies the writes of every single response.
 */
export const MAX_TREE_DEPTH = 10;

export const UnitId = idSchema(UNIT_ID_PATTERN, 'use letters, digits, "-" and "_" only, starting with a letter or digit');

export const OrgUnit = z.object({
  id: UnitId,
  parentId: UnitId.nullable(),
  kind: z.enum(UNIT_KINDS),
  name: z.partialRecord(Locale, z.string().trim().pipe(ShownText(MAX_UNIT_NAME_LENGTH))),
  /** An archived unit leaves pickers and new links; its history stays and still rolls up. */
  archived: z.boolean().optional(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

const OrganisationFields = z.object({
  name: LocalizedText,
  /** IANA time zone in which a response's day, week and month are counted. */
  timeZone: z.string().max(100).refine(isTimeZone, 'not an IANA time zone (e.g. "Asia/Shanghai", "Europe/Moscow", "UTC")'),
  /** The languages the organisation works in; surveys offer a subset of these. */
  locales: z.array(Locale).min(1).max(LOCALES.length).default([...LOCALES]),
  defaultLocale: Locale,
  /** Where every respondent is invited to share a public review (offered to all, whatever their score). */
  reviewUrl: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000).optional(),
  /** How the survey pages look: the organisation's colour, logo and footer. */
  brand: z
    .object({
      /** #rrggbb */
      primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').optional(),
      logoUrl: z.url({ protocol: /^https$/, error: 'an https URL' }).max(2000).optional(),
      footer: LocalizedText.optional(),
    })
    .optional(),
});

/** The rules across fields: a name (and a footer, when there is one) in every enabled language, a default among them. */
function checkOrganisation(org: z.infer<typeof OrganisationFields>, ctx: z.core.$RefinementCtx<z.infer<typeof OrganisationFields>>): void {
  const seen = new Set<Locale>();
  org.locales.forEach((locale, i) => {
    if (seen.has(locale)) ctx.addIssue({ code: 'custom', path: ['locales', i], message: `"${locale}" is listed twice` });
    seen.add(locale);
  });
  if (!seen.has(org.defaultLocale)) ctx.addIssue({ code: 'custom', path: ['defaultLocale'], message: `must be one of the enabled locales (${org.locales.join(', ')})` });
  for (const locale of seen) {
    if (!org.name[locale]) ctx.addIssue({ code: 'custom', path: ['name', locale], message: `the name in "${locale}" is required: "${locale}" is an enabled locale` });
    const footer = org.brand?.footer;
    if (footer && !footer[locale]) ctx.addIssue({ code: 'custom', path: ['brand', 'footer', locale], message: `the footer in "${locale}" is required: "${locale}" is an enabled locale` });
  }
}

export const Organisation = OrganisationFields.superRefine(checkOrganisation);
export type Organisation = z.infer<typeof Organisation>;

/** The body of PUT /api/v1/organisation: the same settings, with unknown fields refused (a typo is named, not lost). */
export const OrganisationInput = OrganisationFields.strict()
  .extend({ brand: OrganisationFields.shape.brand.unwrap().strict().optional() })
  .superRefine(checkOrganisation);

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
  private childrenById: Map<string, OrgUnit[]> | undefined;

  constructor(readonly units: readonly OrgUnit[]) {
    this.byId = new Map(units.map((u) => [u.id, u]));
  }

  get(id: string): OrgUnit | undefined {
    return this.byId.get(id);
  }

  /** The top unit; an archived unit without a parent (left from an older tree) is never the root. */
  root(): OrgUnit | undefined {
    return this.units.find((u) => u.parentId === null && !u.archived) ?? this.units.find((u) => u.parentId === null);
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
    // Built once: with thousands of units a scan per call would make walks quadratic.
    if (!this.childrenById) {
      this.childrenById = new Map();
      for (const unit of this.units) {
        if (unit.parentId === null) continue;
        const list = this.childrenById.get(unit.parentId);
        if (list) list.push(unit);
        else this.childrenById.set(unit.parentId, [unit]);
      }
    }
    return this.childrenById.get(id) ?? [];
  }

  /** Depth of a unit: 1 for the root. */
  level(id: string): number {
    return this.lineage(id).length;
  }
}
