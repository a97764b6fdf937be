// Real-time: one `<model>Changed` subscription per model (created, updated and deleted events in
// one stream, so a client sees one item's changes in the order they were made), fed by the ORM's
// change feed (every successful write through the models' backends). A ChangeHub fans changes out to
// subscriptions, in process by default, or through a bus (an EventTarget: Redis pub/sub) so that every
// server instance sees every instance's writes. Each subscription has a bounded queue; authorization
// is checked before the subscriber's own filter, so a filter cannot probe items it may not read.
import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLError } from 'graphql';
import {
  type AnyModelClass,
  type Backend,
  type Change,
  type ChangeKind,
  changedInstance,
  changeMatcher,
  fromWire,
  type ModelBase,
  modelOf,
  onChange,
  toWire,
} from '../orm/index.js';
import { checkFilterFields } from './authorized.js';
import type { TablegraphBuilder } from './builder.js';
import { dynamic, fieldMap } from './dynamic.js';
import { guard } from './errors.js';
import { type GeneratedModel, given, keyArgs, type Values, whereOf } from './model-types.js';

export interface SubscriptionLimits {
  /** Subscriptions one client connection may hold (a WebSocket; one SSE request is one). @default 20 */
  readonly maxPerConnection: number;
  /** Subscriptions one server instance holds in all. @default 10000 */
  readonly maxPerServer: number;
  /**
   * Events waiting for one slow subscriber. Past it the subscription ends with one error
   * (`SUBSCRIPTION_OVERFLOW`) instead of growing or silently skipping events: the client knows it
   * missed some, and resubscribes and refetches. @default 100
   */
  readonly queueSize: number;
}

export const defaultSubscriptionLimits: SubscriptionLimits = {
  maxPerConnection: 20,
  maxPerServer: 10_000,
  queueSize: 100,
};

/** What carries changes between server instances: any EventTarget (Yoga's event targets fit). */
export interface ChangeBus {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
}

/** The bus topic (a Redis channel) changes travel on. */
export const CHANGES_TOPIC = 'tablegraph:changes';

/**
 * The context property naming the client connection a subscription belongs to (the server sets
 * it to the WebSocket's; without it, the HTTP request is the connection: one SSE stream).
 */
export const CONNECTION = 'tablegraphConnection';

/** What an event's execution starts from: the changed item, fresh per subscriber and event. */
interface Payload {
  readonly kind: ChangeKind;
  readonly item: ModelBase | null;
  /** Set on the last payload of a subscription whose queue overflowed. */
  readonly overflow?: number;
}

function limitError(limit: keyof SubscriptionLimits, max: number, what: string): GraphQLError {
  return new GraphQLError(`Too many subscriptions ${what} (at most ${max})`, {
    extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit, max },
  });
}

/** One subscriber: a bounded queue read as an async iterator by the transport (SSE, WebSocket). */
class Subscription implements AsyncIterableIterator<Payload> {
  #queue: Payload[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  #released = false;

  constructor(
    private readonly hub: ChangeHub,
    readonly model: AnyModelClass,
    readonly kinds: ReadonlySet<ChangeKind>,
    private readonly matches: (change: Change) => boolean,
    readonly connection: object,
    /** The subscriber's read rules for an item of the model. */
    private readonly visible: (item: object) => boolean,
  ) {}

  /** A change of this subscription's model and kind: authorized first, then filtered, then queued. */
  offer(change: Change): void {
    if (this.#ended) return;
    const item = changedInstance<typeof this.model>(change) as unknown as ModelBase;
    try {
      // The read rules before the subscriber's own filter: a filter cannot probe a hidden item.
      if (!this.visible(item) || !this.matches(change)) return;
    } catch {
      return; // a failing rule reads nothing
    }
    if (this.#queue.length >= this.hub.limits.queueSize) {
      // Bounded: a consumer this far behind gets one error and the end, never unbounded memory.
      this.#queue = [{ kind: change.kind, item: null, overflow: this.hub.limits.queueSize }];
      this.end();
    } else this.#queue.push({ kind: change.kind, item });
    this.#wake?.();
  }

  /** Stops taking changes; what is queued is still delivered unless `drop`. */
  end(drop = false): void {
    this.#ended = true;
    if (drop) this.#queue = [];
    this.#release();
    this.#wake?.();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.hub.release(this);
  }

  async next(): Promise<IteratorResult<Payload>> {
    for (;;) {
      const payload = this.#queue.shift();
      if (payload !== undefined) return { value: payload, done: false };
      if (this.#ended) return { value: undefined, done: true };
      await new Promise<void>((wake) => {
        this.#wake = wake;
      });
      this.#wake = null;
    }
  }

  async return(): Promise<IteratorResult<Payload>> {
    this.end(true);
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<Payload>> {
    this.end(true);
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Fans the changes of the models' backends out to subscriptions. In process by default; with
 * `useBus(bus)` every change is published on the bus and delivered when it comes back from it, so
 * all instances sharing the bus deliver the same changes in the bus's order.
 */
export class ChangeHub {
  limits: SubscriptionLimits = defaultSubscriptionLimits;
  readonly #classes: ReadonlySet<AnyModelClass>;
  readonly #byEntity: ReadonlyMap<string, AnyModelClass>;
  readonly #backends: readonly Backend[];
  readonly #subs = new Map<AnyModelClass, Set<Subscription>>();
  readonly #perConnection = new WeakMap<object, number>();
  #count = 0;
  #unlisten: (() => void)[] = [];
  #bus: ChangeBus | null = null;
  #closed = false;

  constructor(models: readonly AnyModelClass[]) {
    this.#classes = new Set(models);
    this.#byEntity = new Map(models.map((m) => [modelOf(m).entity, m]));
    const backends = new Set<Backend>();
    for (const m of models) {
      const backend = (m as { meta?: { backend?: Backend } }).meta?.backend;
      if (backend) backends.add(backend);
    }
    this.#backends = [...backends];
  }

  /** Subscriptions open on this instance. */
  get size(): number {
    return this.#count;
  }

  /** From now on, changes travel through `bus` (shared by every instance); null goes back in process. */
  useBus(bus: ChangeBus | null): void {
    this.#bus?.removeEventListener(CHANGES_TOPIC, this.#fromBus);
    this.#bus = bus;
    bus?.addEventListener(CHANGES_TOPIC, this.#fromBus);
    this.#listen();
  }

  /** Opens a subscription (limits checked here); the transport reads it as an async iterator. */
  subscribe(
    model: AnyModelClass,
    kinds: ReadonlySet<ChangeKind>,
    context: unknown,
    where: object | null,
    /** The subscriber's read rules (the schema's; open by default). */
    visible: (item: object) => boolean = () => true,
  ): AsyncIterableIterator<Payload> {
    if (this.#closed)
      throw new GraphQLError('The server is shutting down', {
        extensions: { code: 'SHUTTING_DOWN' },
      });
    const matches = changeMatcher(model, where);
    const connection = connectionOf(context);
    const { maxPerConnection, maxPerServer } = this.limits;
    if (this.#count >= maxPerServer)
      throw limitError('maxPerServer', maxPerServer, 'on this server');
    const held = this.#perConnection.get(connection) ?? 0;
    if (held >= maxPerConnection)
      throw limitError('maxPerConnection', maxPerConnection, 'on one connection');
    const sub = new Subscription(this, model, kinds, matches, connection, visible);
    let set = this.#subs.get(model);
    if (!set) {
      set = new Set();
      this.#subs.set(model, set);
    }
    set.add(sub);
    this.#perConnection.set(connection, held + 1);
    this.#count++;
    this.#listen();
    return sub;
  }

  /** @internal (a subscription that ended) */
  release(sub: Subscription): void {
    const set = this.#subs.get(sub.model);
    if (!set?.delete(sub)) return;
    this.#count--;
    this.#perConnection.set(sub.connection, (this.#perConnection.get(sub.connection) ?? 1) - 1);
    if (this.#count === 0 && !this.#bus) this.#stopListening();
  }

  /** Ends every subscription (clients see them complete) and refuses new ones: shutdown. */
  close(): void {
    this.#closed = true;
    for (const set of [...this.#subs.values()]) for (const sub of [...set]) sub.end(true);
    this.useBus(null);
    this.#stopListening();
  }

  // The ORM's feeds are listened to only while someone may want their changes.
  #listen(): void {
    if (this.#unlisten.length > 0 || this.#closed) return;
    this.#unlisten = this.#backends.map((b) => onChange(b, this.#fromOrm));
  }

  #stopListening(): void {
    for (const stop of this.#unlisten) stop();
    this.#unlisten = [];
  }

  readonly #fromOrm = (change: Change): void => {
    if (!this.#classes.has(change.model)) return;
    if (this.#bus)
      this.#bus.dispatchEvent(new CustomEvent(CHANGES_TOPIC, { detail: toWire(change) }));
    else this.#deliver(change);
  };

  readonly #fromBus = (event: Event): void => {
    try {
      const change = fromWire((event as CustomEvent).detail, this.#byEntity);
      if (change) this.#deliver(change);
    } catch (error) {
      console.error('tablegraph: a malformed change message on the bus was dropped:', error);
    }
  };

  #deliver(change: Change): void {
    const set = this.#subs.get(change.model);
    if (!set) return;
    for (const sub of set) if (sub.kinds.has(change.kind)) sub.offer(change);
  }
}

function connectionOf(context: unknown): object {
  const c = (context ?? {}) as Record<string, unknown>;
  const own = c[CONNECTION] ?? c.request;
  return own !== null && typeof own === 'object' ? own : (c as object);
}

const hubs = new WeakMap<object, ChangeHub>();

/** The hub behind a schema built by `buildSchema` (servers attach buses and close it). */
export function changeHubOf(schema: object): ChangeHub | undefined {
  return hubs.get(schema);
}

/** @internal */
export function registerHub(schema: object, hub: ChangeHub): void {
  hubs.set(schema, hub);
}

const ALL_KINDS: ReadonlySet<ChangeKind> = new Set(['created', 'updated', 'deleted']);

/** The `ChangeKind` enum (`CREATED`, `UPDATED`, `DELETED`), once per builder. */
const kindEnums = new WeakMap<object, unknown>();
function changeKindEnum(builder: TablegraphBuilder): unknown {
  let ref = kindEnums.get(builder);
  if (!ref) {
    ref = builder.enumType('ChangeKind', {
      description: 'What a write did to an item.',
      values: {
        CREATED: {
          value: 'created',
          description: 'create, batch create (an upsert: of a new versioned item)',
        },
        UPDATED: { value: 'updated', description: 'update, save, upsert (unless told new)' },
        DELETED: { value: 'deleted', description: 'delete; the item as it was last stored' },
      },
    });
    kindEnums.set(builder, ref);
  }
  return ref;
}

/**
 * `<model>Changed(kinds, <key fields>, where): <Model>Change!` — `{ kind, item }` for every write of
 * a matching item. The table key fields are optional arguments: all of them follow one item, the
 * partition's fields one partition (a user's todo items); `where` is the connections' filter,
 * evaluated on the server after the read rules; `kinds` narrows to some kinds of change.
 */
export function addSubscriptionFields(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  hub: ChangeHub,
): void {
  const { cls, names } = g;
  const kindEnum = changeKindEnum(builder);
  const change = builder.objectRef<Payload>(`${names.type}Change`);
  change.implement({
    description: `A write of one ${names.type}.`,
    fields: (t) =>
      fieldMap({
        kind: dynamic(t).field({
          type: kindEnum as object,
          resolve: (p: Payload) => p.kind,
        }),
        item: dynamic(t).field({
          type: g.ref,
          description: 'The item after the write (for DELETED: as it was last stored).',
          resolve: (p: Payload) => p.item,
        }),
      }),
  });
  builder.subscriptionFields((t) => {
    const f = dynamic(t);
    return fieldMap({
      [`${names.single}Changed`]: f.field({
        type: change,
        description: `Writes of ${names.type} items matching the arguments, in the order they were made. Key arguments narrow to one item or one partition; \`where\` is evaluated on the server, after the read rules.`,
        args: {
          kinds: f.arg({ type: [kindEnum as object], required: false }),
          ...keyArgs(
            f,
            g,
            g.tableKey.map((k) => ({ ...k, required: false })),
          ),
          where: f.arg({ type: g.where, required: false }),
        },
        subscribe: guard(
          (
            _root: unknown,
            args: Values & { where?: Values | null; kinds?: ChangeKind[] | null },
            context: unknown,
          ) => {
            const { where, kinds, ...keys } = args;
            const condition = where ? whereOf(g, where) : null;
            // As on connections: no filter on a field the caller may not read.
            checkFilterFields(g, context, condition, given(g, keys));
            const conditions = [given(g, keys), condition].filter(
              (c): c is Values => c !== null && Object.keys(c).length > 0,
            );
            return hub.subscribe(
              cls,
              kinds?.length ? new Set(kinds) : ALL_KINDS,
              context,
              conditions.length ? { AND: conditions } : null,
              (item) => g.access.canRead(context, item),
            );
          },
        ),
        resolve: (
          payload: Payload,
          _args: unknown,
          _context: unknown,
          _info: GraphQLResolveInfo,
        ) => {
          if (payload.overflow !== undefined)
            throw new GraphQLError(
              `More than ${payload.overflow} events waited for this subscriber; the subscription ended: subscribe again and refetch`,
              { extensions: { code: 'SUBSCRIPTION_OVERFLOW', max: payload.overflow } },
            );
          return payload;
        },
      } as Parameters<typeof f.field>[0]),
    });
  });
}
