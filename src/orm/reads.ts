// Reads by key: get, batchGet, and the cross-model batchGetMany the GraphQL loaders use.
import { describe, ValidationError, type ValidationIssue } from './errors.js';
import { isVisible, loaded, nowSeconds, storedKeyOf, throwIfAny } from './instances.js';
import type { StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelContext,
  type ModelInstance,
} from './registry.js';

// ---- reads ----------------------------------------------------------------------------------

export async function get<M extends AnyModelClass>(
  cls: M,
  key: object,
): Promise<InstanceType<M> | null> {
  const ctx = contextOf(cls);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  throwIfAny(ctx.model, issues);
  const item = await ctx.backend.getItem(ctx.layout, stored!);
  return isVisible(ctx, item, nowSeconds()) ? loaded(ctx, item) : null;
}

export async function batchGet<M extends AnyModelClass>(
  cls: M,
  keys: readonly object[],
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
  if (stored.length === 0) return [];
  const items = await ctx.backend.batchGetItems(ctx.layout, stored as StoredKey[]);
  const now = nowSeconds();
  const out = items.map((item) =>
    isVisible(ctx, item, now) ? loaded<InstanceType<M>>(ctx, item) : null,
  );
  // No afterLoad hooks: every instance is ready, no promise per item.
  return ctx.model.hooks.afterLoad.length === 0
    ? (out as (InstanceType<M> | null)[])
    : Promise.all(out);
}

/**
 * Reads keys of several models in one go: one BatchGetItem per 100 keys per backend, whatever mix of
 * models asked (the GraphQL loaders send every lookup of a tick here). Answers in request order.
 * @internal
 */
export async function batchGetMany(
  requests: readonly { readonly model: AnyModelClass; readonly key: object }[],
): Promise<(ModelInstance | null)[]> {
  const resolved = requests.map(({ model, key }) => {
    const ctx = contextOf(model);
    const issues: ValidationIssue[] = [];
    const stored = storedKeyOf(ctx, key, issues);
    throwIfAny(ctx.model, issues);
    return { ctx, stored: stored! };
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
      const items = await backend.batchGetItems(
        resolved[indexes[0]!]!.ctx.layout,
        indexes.map((i) => resolved[i]!.stored),
      );
      await Promise.all(
        indexes.map(async (i, j) => {
          const { ctx } = resolved[i]!;
          const item = items[j] ?? null;
          out[i] = isVisible(ctx, item, now) ? await loaded<ModelInstance>(ctx, item) : null;
        }),
      );
    }),
  );
  return out;
}
