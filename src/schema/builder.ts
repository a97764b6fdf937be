// The declarations of createBuilder() name Pothos' global PothosSchemaTypes namespace (with the
// Relay plugin's additions): keep the references in the emitted .d.ts for consumers.
/// <reference types="@pothos/core" preserve="true" />
/// <reference types="@pothos/plugin-relay" preserve="true" />
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { TablegraphContext } from './context.js';
import { encodeGlobalID } from './global-id.js';
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
 * A Pothos builder set up for tablegraph: the Relay plugin (the Node interface's field is `id`,
 * the global ID normalized client caches key by) and the DateTime, Date and JSON scalars.
 * Add your own types to it, then call `addModelTypes(builder, options)` and `builder.toSchema()`.
 * `node(id:)` and `nodes(ids:)` are added by `addModelTypes` and resolve the models' types.
 */
export function createBuilder() {
  const builder = new SchemaBuilder<TablegraphTypes>({
    plugins: [RelayPlugin],
    defaultFieldNullability: false,
    relay: {
      cursorType: 'String',
      clientMutationId: 'omit',
      nodeQueryOptions: false,
      nodesQueryOptions: false,
      encodeGlobalID,
      idFieldOptions: {
        description: 'The global ID (Relay Node): refetch with `node(id:)`; caches key by it.',
      },
    },
  });
  builder.addScalarType('DateTime', DateTimeScalar);
  builder.addScalarType('Date', DateScalar);
  builder.addScalarType('JSON', JSONScalar);
  return builder;
}

export type TablegraphBuilder = ReturnType<typeof createBuilder>;
