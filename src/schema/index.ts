import type { GraphQLSchema } from 'graphql';
import { createBuilder, type TablegraphBuilder } from './builder.js';
import { addModelTypes, type ModelSchemaOptions } from './from-model.js';

export type SchemaOptions = ModelSchemaOptions;

/** A GraphQL schema for the models: `createServer({ schema: buildSchema({ models: [User, Order] }) })`. */
export function buildSchema(options: SchemaOptions): GraphQLSchema {
  const builder = createBuilder();
  builder.queryType({});
  if (options.mutations !== false) builder.mutationType({});
  addModelTypes(builder, options);
  return builder.toSchema({ sortSchema: false });
}

export type { TablegraphTypes } from './builder.js';
export type { PageLimits } from './connections.js';
export { createContext, type TablegraphContext, useTablegraph } from './context.js';
export { toGraphQLError } from './errors.js';
export { ItemLoader } from './loaders.js';
export { addModelTypes, createBuilder, type TablegraphBuilder };
