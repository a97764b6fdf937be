import type { AnyModelClass } from '../orm/index.js';
import { type AuthOptions, compileAccess, registerAccess } from './auth.js';
import type { TablegraphBuilder } from './builder.js';
import type { PageLimits } from './connections.js';
import { declareModel, type GeneratedModel } from './model-types.js';
import { addMutations } from './mutations.js';
import { addNodeFields } from './node.js';
import { addObjectType, addWhereInput } from './object-types.js';
import { addQueryFields } from './query-fields.js';
import { FilterInputs } from './where.js';

export interface ModelSchemaOptions extends Partial<PageLimits> {
  /** The models to expose; relations may only point at models in this list. */
  readonly models: readonly AnyModelClass[];
  /** Generate create/update/delete mutations. @default true */
  readonly mutations?: boolean;
  /**
   * Who may read and write what: rules per model and field, the caller from the request's context
   * (README "Authorization"). A model without rules is open; a model with rules denies what they do
   * not allow.
   */
  readonly auth?: AuthOptions;
}

/**
 * Adds every model's types to a builder whose Query (and Mutation) types the caller defines: an
 * object type per model, a lookup by key, a list connection, a connection per GSI, per table
 * partition and per hasMany relation, create/update/delete mutations, `node` and `nodes` — all
 * from model metadata.
 */
export function addModelTypes(builder: TablegraphBuilder, options: ModelSchemaOptions): void {
  const limits: PageLimits = {
    maxPageSize: options.maxPageSize ?? 100,
    defaultPageSize: options.defaultPageSize ?? 20,
    maxTotalCount: options.maxTotalCount ?? 1000,
    maxReadsPerPage: options.maxReadsPerPage ?? 25,
    allowScans: options.allowScans ?? true,
  };
  const filters = new FilterInputs(builder);
  const access = compileAccess(options.models, options.auth);
  registerAccess(access);
  // Refs first, so relations can point at any model in either direction.
  const generated = new Map<unknown, GeneratedModel>(
    options.models.map((cls) => [cls, declareModel(builder, cls, access.get(cls)!)]),
  );
  for (const g of generated.values()) {
    addObjectType(builder, g, generated, limits);
    addWhereInput(g, filters);
    addQueryFields(builder, g, limits);
    if (options.mutations !== false) addMutations(builder, g, generated);
  }
  addNodeFields(builder, generated);
}
