// Data: one DynamoDB table per deployed entry of `tables` in functions/topology.ts (local-only stand-ins are skipped).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { deployedTables, tables as tableSpecs, type TableName, type TableSpec } from '../../functions/topology.ts';
import { constructId } from './cem-function.ts';

/**
 * What deleting the stack does to each deployed table. Local-only tables (topology `localOnly`) have no entry, and
 * the type cannot tell the two apart, so the constructor checks that this map names exactly the deployed tables:
 * adding a table to the topology fails the synth until someone decides this for it.
 */
const onStackDelete: Partial<Record<TableName, RemovalPolicy>> = {
  // Responses are the organisation's record of what its customers said; nothing can recreate them.
  responses: RemovalPolicy.RETAIN,
  // Surveys and the org tree were authored by people; losing them with a stack teardown would hurt as much.
  catalog: RemovalPolicy.RETAIN,
  // Counters are derived from responses and can be rebuilt from them.
  aggregates: RemovalPolicy.DESTROY,
  // Tickets are the record of how each unhappy customer was handled (who, when, what was done); nothing recreates them.
  tickets: RemovalPolicy.RETAIN,
};

export class Data extends Construct {
  /** The deployed tables by topology name; local-only tables have no entry. */
  readonly tables: Partial<Record<TableName, Table>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const deployed = deployedTables();
    for (const name of Object.keys(onStackDelete) as TableName[]) {
      if (!deployed.includes(name)) {
        throw new Error(`infra/constructs/data.ts: onStackDelete names the ${name} table, which topology.ts marks localOnly; remove the entry`);
      }
    }
    this.tables = Object.fromEntries(deployed.map((name) => [name, this.createTable(name, tableSpecs[name])]));
  }

  /** The deployed table of that topology name; fails for a local-only one, which does not exist in AWS. */
  table(name: TableName): Table {
    const table = this.tables[name];
    if (!table) throw new Error(`topology: the ${name} table is localOnly; the stack does not create it`);
    return table;
  }

  private createTable(name: TableName, spec: TableSpec): Table {
    const removalPolicy = onStackDelete[name];
    if (removalPolicy === undefined) {
      throw new Error(
        `infra/constructs/data.ts: no removal policy for the ${name} table; add it to onStackDelete, saying whether ` +
          'deleting the stack may delete its data',
      );
    }
    const table = new Table(this, constructId(name), {
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      sortKey: spec.sortKey ? { name: spec.sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: spec.stream ? StreamViewType[spec.stream] : undefined,
      timeToLiveAttribute: spec.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    for (const index of spec.indexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}
