import { type Backend, ConditionFailed, type WriteOp } from './backends/backend.js';
import { ConfigurationError, NotFoundError } from './errors.js';
import { keyFromItem, runHooks } from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type InputFor,
  type ModelBase,
  type ModelContext,
  NO_UNKNOWN,
  STATE,
} from './model.js';
import { prepare, translate, updateOp } from './writes.js';

type Values = Record<string, unknown>;
interface Pending {
  readonly ctx: ModelContext;
  readonly kind: 'create' | 'update' | 'delete' | 'check';
  readonly instance: ModelBase & Values;
  readonly op: Promise<WriteOp>;
}

/** Collects the writes of one transaction; nothing is written until the callback returns. */
export class Transaction {
  readonly #pending: Pending[] = [];

  #add(
    cls: AnyModelClass,
    kind: Pending['kind'],
    instance: ModelBase & Values,
    op: (ctx: ModelContext) => Promise<WriteOp>,
  ): void {
    const ctx = contextOf(cls);
    const promise = op(ctx);
    promise.catch(() => {}); // surfaced when the transaction awaits it
    this.#pending.push({ ctx, kind, instance, op: promise });
  }

  /** Creates an item (conditional on its key being free). Returns the instance, saved on commit. */
  create<M extends AnyModelClass>(cls: M, data: InputFor<M>): InstanceType<M> {
    const instance = new (cls as unknown as new (d: object) => ModelBase & Values)(data as object);
    this.#add(cls, 'create', instance, async (ctx) => ({
      type: 'put',
      item: await prepare(ctx, instance, true),
      ifNotExists: true,
    }));
    return instance as InstanceType<M>;
  }

  /** Updates a loaded instance (conditional on existence, and on its version when versioned). */
  update(instance: ModelBase): void {
    const target = instance as ModelBase & Values;
    const cls = instance.constructor as AnyModelClass;
    this.#add(cls, 'update', target, async (ctx) => {
      if (!target[STATE].persisted)
        throw new NotFoundError(ctx.model.entity, ctx.layout.keyOf(target));
      const previous = ctx.model.config.version ? (target.version as number) : null;
      if (previous !== null) target.version = previous + 1;
      const item = await prepare(ctx, target, false);
      return updateOp(ctx, item, { ifExists: true, ifVersion: previous, upsert: false });
    });
  }

  /** Deletes an item (conditional on existence). */
  delete(instance: ModelBase): void {
    const target = instance as ModelBase & Values;
    this.#add(instance.constructor as AnyModelClass, 'delete', target, async (ctx) => ({
      type: 'delete',
      key: target[STATE].key ?? ctx.layout.keyOf(target),
      ifExists: true,
    }));
  }

  /** Requires an item to exist unchanged (its version, when versioned) without writing it. */
  check(instance: ModelBase): void {
    const target = instance as ModelBase & Values;
    this.#add(instance.constructor as AnyModelClass, 'check', target, async (ctx) => ({
      type: 'check',
      key: target[STATE].key ?? ctx.layout.keyOf(target),
      ifExists: true,
      ifVersion: ctx.model.config.version
        ? { attr: 'version', value: target.version as number }
        : null,
    }));
  }

  /** @internal */
  async commit(): Promise<void> {
    const pending = this.#pending;
    if (pending.length === 0) return;
    const backend: Backend = pending[0]!.ctx.backend;
    if (pending.some((p) => p.ctx.backend !== backend))
      throw new ConfigurationError('a transaction must use models of one backend');
    const ops = await Promise.all(pending.map((p) => p.op));
    try {
      await backend.transact(ops.map((op, i) => ({ layout: pending[i]!.ctx.layout, op })));
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const failed = pending[error.index]!;
      const op = ops[error.index]!;
      const key: StoredKey = op.type === 'put' ? keyFromItem(failed.ctx.layout, op.item) : op.key;
      if (failed.kind === 'create') translate(failed.ctx, error, key, 'create');
      if (failed.kind === 'delete' || error.current === null)
        throw new NotFoundError(failed.ctx.model.entity, key);
      translate(failed.ctx, error, key, 'update');
    }
    for (const [i, p] of pending.entries()) {
      const op = ops[i]!;
      if (p.kind === 'delete') Object.assign(p.instance[STATE], { persisted: false, key: null });
      else if (p.kind !== 'check') {
        const item: StoredItem =
          op.type === 'put' ? op.item : { ...(op as { key: StoredKey }).key };
        Object.assign(p.instance[STATE], {
          persisted: true,
          key: keyFromItem(p.ctx.layout, item),
          unknown: NO_UNKNOWN,
        });
        await runHooks(p.ctx.model, 'afterSave', p.instance);
      }
    }
  }
}

/**
 * Runs writes that succeed or fail together (DynamoDB TransactWriteItems, at most 100 writes):
 * `await transaction(async (tx) => { tx.create(User, data); tx.update(order); tx.delete(todo); })`.
 */
export async function transaction<T>(work: (tx: Transaction) => T | Promise<T>): Promise<T> {
  const tx = new Transaction();
  const result = await work(tx);
  await tx.commit();
  return result;
}
