// The catalog on DynamoDB: organisation settings, org units and survey definitions, read together and cached briefly.
import { BatchWriteCommand, DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamodb.ts';
import { AlertRule } from '../domain/alert-rules.ts';
import { Manager } from '../domain/tickets.ts';
import { Organisation, OrgUnit } from '../domain/org.ts';
import { Survey } from '../domain/survey.ts';
import type { Catalog, CatalogStore, Clock } from '../ports.ts';

const ORG = 'ORG';
const SURVEY = 'SURVEY';
const RULE = 'RULE';

export function dynamoCatalogStore(client: DynamoDBDocumentClient, tableName: string): CatalogStore {
  const queryPartition = (pk: string) =>
    queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });

  return {
    async load() {
      const [orgItems, surveyItems, ruleItems] = await Promise.all([queryPartition(ORG), queryPartition(SURVEY), queryPartition(RULE)]);
      const settings = orgItems.find((i) => i.sk === 'SETTINGS');
      if (!settings) throw new Error('The catalog has no organisation settings yet; start the local runtime once or run the seed.');
      return {
        organisation: Organisation.parse(settings.value),
        units: orgItems.filter((i) => String(i.sk).startsWith('UNIT#')).map((i) => OrgUnit.parse(i.value)),
        surveys: surveyItems.map((i) => Survey.parse(i.value)),
        rules: ruleItems.map((i) => AlertRule.parse(i.value)),
        managers: Object.fromEntries(
          orgItems.filter((i) => String(i.sk).startsWith('MGR#')).map((i) => [String(i.sk).slice(4), Manager.array().parse(i.value)]),
        ),
      };
    },
    async putOrganisation(organisation) {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: ORG, sk: 'SETTINGS', value: organisation } }));
    },
    async putUnits(units) {
      for (let i = 0; i < units.length; i += 25) {
        const requests = units.slice(i, i + 25).map((unit) => ({ PutRequest: { Item: { pk: ORG, sk: `UNIT#${unit.id}`, value: unit } } }));
        let pending: typeof requests | undefined = requests;
        while (pending && pending.length) {
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = result.UnprocessedItems?.[tableName] as typeof requests | undefined;
        }
      }
    },
    async putSurvey(survey) {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: SURVEY, sk: survey.id, value: survey } }));
    },
    async putRule(rule) {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: RULE, sk: rule.id, value: rule } }));
    },
    async deleteRule(id) {
      const result = await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: RULE, sk: id }, ReturnValues: 'ALL_OLD' }));
      return Boolean(result.Attributes);
    },
    async putManagers(unitId, managers) {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: ORG, sk: `MGR#${unitId}`, value: managers } }));
    },
  };
}

/** Serves the catalog from memory for `ttlMs`, so a warm function does not read it on every request. */
export function cachedCatalog(store: CatalogStore, ttlMs: number, clock: Clock): CatalogStore {
  let cached: { at: number; value: Promise<Catalog> } | undefined;
  const invalidate = () => {
    cached = undefined;
  };
  return {
    load() {
      const now = clock.now().getTime();
      if (!cached || now - cached.at > ttlMs) {
        const value = store.load();
        cached = { at: now, value };
        value.catch(invalidate);
      }
      return cached.value;
    },
    putOrganisation: (o) => store.putOrganisation(o).finally(invalidate),
    putUnits: (u) => store.putUnits(u).finally(invalidate),
    putSurvey: (s) => store.putSurvey(s).finally(invalidate),
    putRule: (r) => store.putRule(r).finally(invalidate),
    deleteRule: (id) => store.deleteRule(id).finally(invalidate),
    putManagers: (u, m) => store.putManagers(u, m).finally(invalidate),
  };
}
