import type { AnyModelClass } from '../orm/index.js';
import { type AuthOptions, compileAccess } from './auth.js';
import type { TablegraphBuilder } from './builder.js';
import type { PageLimits } from './connections.js';
import { declareModel, type GeneratedModel } from './model-types.js';
import { addMutations } from './mutations.js';
import { addNodeFields } from './node.js';
import { addObjectType, addWhereInput } from './object-types.js';
import { addQueryFields } from './query-fields.js';
import { addSubscriptionFields, ChangeHub } from './subscriptions.js';
import { FilterInputs } from './where.js';

export interface ModelSchemaOptions extends Partial<PageLimits> {
  /** The models to expose; relations may only point at models in this list. */
  readonly models: readonly AnyModelClass[];
  /** Generate create/update/delete mutations. @default true */
  readonly mutations?: boolean;
  /**
   * Generate `<model>Changed` subscriptions, fed by this hub (or a new one when `true`; the
   * builder must have a Subscription type). `buildSchema` does by default.
   * @default false
   */
  readonly subscriptions?: boolean | ChangeHub;
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
 * from model metadata. Answers the page limits it applied and the change hub of its subscriptions.
 */
export function addModelTypes(
  builder: TablegraphBuilder,
  options: ModelSchemaOptions,
): { readonly limits: PageLimits; readonly hub: ChangeHub | null } {
  const limits: PageLimits = {
    maxPageSize: options.maxPageSize ?? 100,
    defaultPageSize: options.defaultPageSize ?? 20,
    maxTotalCount: options.maxTotalCount ?? 1000,
    maxReadsPerPage: options.maxReadsPerPage ?? 25,
    allowScans: options.allowScans ?? true,
  };
  const filters = new FilterInputs(builder);
  const access = compileAccess(options.models, options.auth);
  // Refs first, so relations can point at any model in either direction.
  const generated = new Map<unknown, GeneratedModel>(
    options.models.map((cls) => [cls, declareModel(builder, cls, access.get(cls)!)]),
  );
  const hub =
    options.subscriptions instanceof ChangeHub
      ? options.subscriptions
      : options.subscriptions
        ? new ChangeHub(options.models)
        : null;
  for (const g of generated.values()) {
    addObjectType(builder, g, generated, limits);
    addWhereInput(g, filters);
    addQueryFields(builder, g, limits);
    if (options.mutations !== false) addMutations(builder, g, generated);
    if (hub) addSubscriptionFields(builder, g, hub);
  }
  addNodeFields(builder, generated);
  return { limits, hub };
}
