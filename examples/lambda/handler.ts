// An AWS Lambda function serving the API behind an API Gateway HTTP API (payload format 2.0).
// In your project the imports are `from 'tablegraph'` and `from 'tablegraph/lambda'`.
// Deploy: bundle or zip with node_modules; handler `handler.handler`; environment TABLE_NAME,
// TABLEGRAPH_CURSOR_SECRET; the function's role needs dynamodb:GetItem/PutItem/UpdateItem/
// DeleteItem/Query/Scan/BatchGetItem/BatchWriteItem on the table and its indexes.

import { createLambdaHandler } from '../../src/lambda.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createModels } from '../demo/models.js';

// Built once per cold start; warm invocations reuse the schema and the DynamoDB client.
export const backend = new DynamoDBBackend({
  tableName: process.env.TABLE_NAME ?? 'tablegraph',
  // Set for tests and local runs (DynamoDB Local, dynalite); absent on AWS.
  endpoint: process.env.DYNAMODB_ENDPOINT,
  cursorSecret: process.env.TABLEGRAPH_CURSOR_SECRET,
});

export const models = createModels(backend);

export const handler = createLambdaHandler({
  schema: buildSchema({ models }),
  graphiql: process.env.GRAPHIQL === '1',
});
