// Owns the test run's single DynamoDB Local: started once before any test file, stopped after the last one.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Point at an already running DynamoDB Local to skip the ~3 s Java start-up while iterating on tests.
  const external = process.env.OPENCEM_TEST_DYNAMODB_ENDPOINT;
  if (external) {
    project.provide('dynamodbEndpoint', external);
    return async () => {};
  }
  const local = await startDynamoDbLocal({
    dataDir: null,
    ...(process.env.DEBUG_DYNAMODB_LOCAL ? { log: (line: string) => console.error(line) } : {}),
  });
  project.provide('dynamodbEndpoint', local.endpoint);
  return async () => {
    await local.stop();
  };
}
