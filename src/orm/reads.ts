// Reads by key: get, batchGet, and the cross-model batchGetMany the GraphQL loaders use.
import { describe, ValidationError, type ValidationIssue } from './errors.js';
import { isVisible, loaded, nowSeconds, storedKeyOf, throwIfAny } from './instances.js';
import type { StoredKey } from './layout.js';
import { projectionFor, unionOf } from './projection.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelContext,
  type ModelInstance,
} from './registry.js';

// ---- reads ----------------------------------------------------------------------------------

/** Options of a read by key. */
export interface GetOptions<F extends string = string> {
  /**
   * Fetch only these fields (DynamoDB ProjectionExpression), plus the key fields, `version` and the
   * TTL field. The instance then holds only those (others read as empty) and cannot be saved.
   */
  readonly select?: readonly F[] | null;
}

export async function get<M extends AnyModelClass>(
  cls: M,
  key: object,
  options: GetOptions = {},
): Promise<InstanceType<M> | null> {
  const ctx = contextOf(cls);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  throwIfAny(ctx.model, issues);
  const projection = projectionFor(ctx, options.select);
  const item = await ctx.backend.getItem(
    ctx.layout,
    stored!,
    projection ? { projection: projection.attributes } : undefined,
  );
  return isVisible(ctx, item, nowSeconds()) ? loaded(ctx, item, projection?.fields) : null;
}

export async function batchGet<M extends AnyModelClass>(
  cls: M,
  keys: readonly object[],
  options: GetOptions = {},
): Promise<(InstanceType<M> | null)[]> {
  const ctx = contextOf(cls);
  if (!Array.isArray(keys))
    throw new ValidationError(ctx.model.entity, [
      {
        path: '',
        message: 'batchGet takes an array of keys',
        expected: 'array',
        received: describe(keys),
      },
    ]);
  const issues: ValidationIssue[] = [];
  const stored = keys.map((k, i) => storedKeyOf(ctx, k, issues, `[${i}].`));
  throwIfAny(ctx.model, issues);
  const projection = projectionFor(ctx, options.select);
  if (stored.length === 0) return [];
  const items = await ctx.backend.batchGetItems(
    ctx.layout,
    stored as StoredKey[],
    projection ? { projection: projection.attributes } : undefined,
  );
  const now = nowSeconds();
  const out = items.map((item) =>
    isVisible(ctx, item, now) ? loaded<InstanceType<M>>(ctx, item, projection?.fields) : null,
  );
  // No afterLoad hooks: every instance is ready, no promise per item.
  return ctx.model.hooks.afterLoad.length === 0
    ? (out as (InstanceType<M> | null)[])
    : Promise.all(out);
}

/**
 * Reads keys of several models in one go: one BatchGetItem per 100 keys per backend, whatever mix of
 * models asked (the GraphQL loaders send every lookup of a tick here). Answers in request order.
 * One BatchGetItem carries one projection per table, so a batch fetches the union of its lookups'
 * selections (whole items when one of them selects no fields); each instance holds its model's
 * fields of that union.
 * @internal
 */
export async function batchGetMany(
  requests: readonly {
    readonly model: AnyModelClass;
    readonly key: object;
    readonly select?: readonly string[] | null;
  }[],
): Promise<(ModelInstance | null)[]> {
  const resolved = requests.map(({ model, key, select }) => {
    const ctx = contextOf(model);
    const issues: ValidationIssue[] = [];
    const stored = storedKeyOf(ctx, key, issues);
    throwIfAny(ctx.model, issues);
    return { ctx, stored: stored!, projection: projectionFor(ctx, select) };
  });
  const byBackend = new Map<ModelContext['backend'], number[]>();
  for (const [i, r] of resolved.entries()) {
    const list = byBackend.get(r.ctx.backend) ?? [];
    list.push(i);
    byBackend.set(r.ctx.backend, list);
  }
  const out: (ModelInstance | null)[] = new Array(requests.length).fill(null);
  const now = nowSeconds();
  await Promise.all(
    [...byBackend].map(async ([backend, indexes]) => {
      const attributes = unionOf(indexes.map((i) => resolved[i]!.projection));
      const items = await backend.batchGetItems(
        resolved[indexes[0]!]!.ctx.layout,
        indexes.map((i) => resolved[i]!.stored),
        attributes ? { projection: attributes } : undefined,
      );
      const held = new Map<ModelContext, readonly string[]>();
      const fieldsOf = (ctx: ModelContext): readonly string[] => {
        let fields = held.get(ctx);
        if (!fields) {
          const union = new Set(attributes);
          fields = ctx.model.fieldNames.filter((f) => union.has(f));
          held.set(ctx, fields);
        }
        return fields;
      };
      await Promise.all(
        indexes.map(async (i, j) => {
          const { ctx } = resolved[i]!;
          const item = items[j] ?? null;
          const partial = attributes && partialFields(ctx, fieldsOf(ctx));
          out[i] = isVisible(ctx, item, now)
            ? await loaded<ModelInstance>(ctx, item, partial)
            : null;
        }),
      );
    }),
  );
  return out;
}

// Private: the fields an instance holds, or null when the union happens to cover all of them.
function partialFields(ctx: ModelContext, fields: readonly string[]): readonly string[] | null {
  return fields.length === ctx.model.fieldNames.length ? null : fields;
}
