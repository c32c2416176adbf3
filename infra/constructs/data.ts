// Data: one DynamoDB table per entry of `tables` in functions/topology.ts.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tables as tableSpecs, type TableName, type TableSpec } from '../../functions/topology.ts';
import { constructId } from './cem-function.ts';

/**
 * What deleting the stack does to each table. A Record (not a list) so that adding a table to the topology
 * fails to compile until someone decides this for it.
 */
const onStackDelete: Record<TableName, RemovalPolicy> = {
  // Responses are the organisation's record of what its customers said; nothing can recreate them.
  responses: RemovalPolicy.RETAIN,
  // Surveys and the org tree were authored by people; losing them with a stack teardown would hurt as much.
  catalog: RemovalPolicy.RETAIN,
  // Counters are derived from responses and can be rebuilt from them.
  aggregates: RemovalPolicy.DESTROY,
};

export class Data extends Construct {
  readonly tables: Record<TableName, Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const entries = (Object.entries(tableSpecs) as [TableName, TableSpec][]).map(
      ([name, spec]) => [name, this.table(name, spec)] as const,
    );
    this.tables = Object.fromEntries(entries) as Record<TableName, Table>;
  }

  private table(name: TableName, spec: TableSpec): Table {
    return new Table(this, constructId(name), {
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      sortKey: spec.sortKey ? { name: spec.sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: spec.stream ? StreamViewType[spec.stream] : undefined,
      timeToLiveAttribute: spec.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: onStackDelete[name],
    });
  }
}
