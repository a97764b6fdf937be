import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { TablegraphContext } from './context.js';
import { DateScalar, DateTimeScalar, JSONScalar } from './scalars.js';

/** The builder's type bag: context and scalars shared by every generated type. */
export interface TablegraphTypes {
  Context: TablegraphContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}

/**
 * A Pothos builder set up for tablegraph: the Relay plugin (with the Node ID field named `nodeId`,
 * so a model's own `id` field keeps its name) and the DateTime, Date and JSON scalars.
 * Add your own types to it, then call `addModelTypes(builder, options)` and `builder.toSchema()`.
 */
export function createBuilder() {
  const builder = new SchemaBuilder<TablegraphTypes>({
    plugins: [RelayPlugin],
    defaultFieldNullability: false,
    relay: {
      idFieldName: 'nodeId',
      cursorType: 'String',
      clientMutationId: 'omit',
      idFieldOptions: {
        description: 'A global ID for `node(id:)`; the model keeps its own key fields.',
      },
    },
  });
  builder.addScalarType('DateTime', DateTimeScalar);
  builder.addScalarType('Date', DateScalar);
  builder.addScalarType('JSON', JSONScalar);
  return builder;
}

export type TablegraphBuilder = ReturnType<typeof createBuilder>;
