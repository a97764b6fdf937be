import type { GraphQLSchema } from 'graphql';
import { createBuilder, type TablegraphBuilder } from './builder.js';
import { addModelTypes, type ModelSchemaOptions } from './from-model.js';
import { registerHub } from './subscriptions.js';

export type SchemaOptions = ModelSchemaOptions;

/**
 * A GraphQL schema for the models, ready for any GraphQL server as it is:
 * `createYoga({ schema: buildSchema({ models: [User, Order] }) })`. Each request (each context
 * object) gets its own item loader, so key lookups batch with no plugin.
 */
export function buildSchema(options: SchemaOptions): GraphQLSchema {
  const builder = createBuilder();
  builder.queryType({});
  if (options.mutations !== false) builder.mutationType({});
  const subscriptions = options.subscriptions ?? true;
  if (subscriptions !== false) builder.subscriptionType({});
  const { limits, hub } = addModelTypes(builder, { ...options, subscriptions });
  // The cost estimate (cost.ts) reads the page sizes the schema serves from here.
  const schema = builder.toSchema({ sortSchema: false, extensions: { tablegraph: { limits } } });
  if (hub) registerHub(schema, hub);
  return schema;
}

export {
  type AuthOptions,
  allow,
  type Caller,
  type ModelAccessRules,
  type ModelRules,
  type Rule,
  rules,
} from './auth.js';
export type { TablegraphTypes } from './builder.js';
export type { PageLimits } from './connections.js';
export { createContext, loaderFor, type TablegraphContext, useTablegraph } from './context.js';
export {
  type CostOptions,
  DEFAULT_MAX_READS,
  estimateReads,
  type RequestCost,
  useTablegraphCost,
} from './cost.js';
export { toGraphQLError } from './errors.js';
export { exampleQuery } from './example-query.js';
export { decodeGlobalID, encodeGlobalID } from './global-id.js';
export { ItemLoader } from './loaders.js';
export { ROW_ID } from './names.js';
export {
  CHANGES_TOPIC,
  type ChangeBus,
  ChangeHub,
  CONNECTION,
  changeHubOf,
  defaultSubscriptionLimits,
  type SubscriptionLimits,
} from './subscriptions.js';
export type { ModelSchemaOptions };
export { addModelTypes, createBuilder, type TablegraphBuilder };
