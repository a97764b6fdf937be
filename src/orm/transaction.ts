// Transactions: writes collected by a callback, prepared by the write pipeline, sent as one
// TransactWriteItems. Either every write lands and every instance is settled, or none does and every
// instance is put back as it was.
import { type Backend, ConditionFailed, type WriteOp } from './backend.js';
import { announce, announceDeleted } from './changes.js';
import { ConfigurationError, NotFoundError } from './errors.js';
import { assertWhole } from './instances.js';
import type { StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type InputFor,
  type ModelContext,
  type ModelInstance,
  STATE,
} from './registry.js';
import {
  markDeleted,
  type PreparedWrite,
  prepareWrite,
  restore,
  settle,
  type WritableInstance,
} from './write-pipeline.js';
import { translate, updateOp } from './writes.js';

type Kind = 'create' | 'update' | 'delete' | 'check';
interface Planned {
  readonly kind: Kind;
  readonly op: WriteOp;
  readonly key: StoredKey;
  /** Create and update: the prepared instance, settled on commit, restored on failure. */
  readonly prepared: PreparedWrite | null;
  readonly instance: ModelInstance;
}
interface Pending {
  readonly ctx: ModelContext;
  readonly planned: Promise<Planned>;
}

/** Collects the writes of one transaction; nothing is written until the callback returns. */
export class Transaction {
  readonly #pending: Pending[] = [];

  #add(cls: AnyModelClass, plan: (ctx: ModelContext) => Promise<Planned>): void {
    const ctx = contextOf(cls);
    const planned = plan(ctx);
    planned.catch(() => {}); // surfaced when the transaction commits
    this.#pending.push({ ctx, planned });
  }

  /** Creates an item (conditional on its key being free). Returns the instance, saved on commit. */
  create<M extends AnyModelClass>(cls: M, data: InputFor<M>): InstanceType<M> {
    const instance = new (cls as unknown as new (d: object) => WritableInstance)(data as object);
    this.#add(cls, async (ctx) => {
      const prepared = await prepareWrite(ctx, instance, 'create', { restorable: true });
      const op: WriteOp = { type: 'put', item: prepared.item, ifNotExists: true };
      return { kind: 'create', op, key: prepared.key, prepared, instance };
    });
    return instance as InstanceType<M>;
  }

  /** Updates a loaded instance (conditional on existence, and on its version when versioned). */
  update(instance: ModelInstance): void {
    const target = instance as WritableInstance;
    this.#add(instance.constructor as AnyModelClass, async (ctx) => {
      if (!target[STATE].persisted)
        throw new NotFoundError(ctx.model.entity, ctx.layout.keyOf(target));
      assertWhole(ctx.model, instance);
      const prepared = await prepareWrite(ctx, target, 'update', { restorable: true });
      const op = updateOp(prepared, { ifExists: true, upsert: false });
      return { kind: 'update', op, key: prepared.key, prepared, instance };
    });
  }

  /** Deletes an item (conditional on existence). */
  delete(instance: ModelInstance): void {
    this.#add(instance.constructor as AnyModelClass, async (ctx) => {
      const key = instance[STATE].key ?? ctx.layout.keyOf(instance);
      const op: WriteOp = { type: 'delete', key, ifExists: true };
      return { kind: 'delete', op, key, prepared: null, instance };
    });
  }

  /** Requires an item to exist unchanged (its version, when versioned) without writing it. */
  check(instance: ModelInstance): void {
    const target = instance as WritableInstance;
    this.#add(instance.constructor as AnyModelClass, async (ctx) => {
      const key = target[STATE].key ?? ctx.layout.keyOf(target);
      const ifVersion = ctx.model.config.version
        ? { attr: 'version', value: target.version as number }
        : null;
      const op: WriteOp = { type: 'check', key, ifExists: true, ifVersion };
      return { kind: 'check', op, key, prepared: null, instance };
    });
  }

  /** @internal */
  async commit(): Promise<void> {
    const pending = this.#pending;
    if (pending.length === 0) return;
    const backend: Backend = pending[0]!.ctx.backend;
    const settled = await Promise.allSettled(pending.map((p) => p.planned));
    const planned = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const rollback = () => {
      for (const p of planned) if (p.prepared) restore(p.prepared);
    };
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) {
      rollback();
      throw failed.reason;
    }
    if (pending.some((p) => p.ctx.backend !== backend)) {
      rollback();
      throw new ConfigurationError('a transaction must use models of one backend');
    }
    try {
      await backend.transact(planned.map((p, i) => ({ layout: pending[i]!.ctx.layout, op: p.op })));
    } catch (error) {
      rollback();
      if (!(error instanceof ConditionFailed)) throw error;
      const { ctx } = pending[error.index]!;
      const { kind, key } = planned[error.index]!;
      if (kind === 'create') translate(ctx, error, key, 'create');
      if (kind === 'delete' || error.current === null)
        throw new NotFoundError(ctx.model.entity, key);
      translate(ctx, error, key, 'update');
    }
    for (const [i, p] of planned.entries())
      if (p.kind === 'delete') announceDeleted(pending[i]!.ctx, p.instance);
      else if (p.prepared)
        announce(pending[i]!.ctx, p.kind === 'create' ? 'created' : 'updated', p.prepared.item);
    for (const p of planned)
      if (p.kind === 'delete') markDeleted(p.instance);
      else if (p.prepared) await settle(p.prepared);
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
