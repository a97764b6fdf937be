import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import {
  type AnyField,
  type CompiledModel,
  ConflictError,
  type ModelBase,
  relationsOf,
  transaction,
} from '../orm/index.js';
import { refusal } from './auth.js';
import {
  authorizeChange,
  authorizeCreate,
  checkFilterFields,
  meets,
  redacted,
} from './authorized.js';
import type { TablegraphBuilder } from './builder.js';
import { loaderFor } from './context.js';
import { dynamic, fieldMap } from './dynamic.js';
import { badInput, guard, toGraphQLError } from './errors.js';
import {
  type GeneratedModel,
  given,
  keyArgs,
  type Values,
  visible,
  whereOf,
} from './model-types.js';
import { upperFirst } from './names.js';
import { scalarOf } from './where.js';

/** One TransactWriteItems holds at most 100 writes. */
const MAX_TRANSACTION = 100;
/** A batch mutation's cap (40 BatchWriteItem requests). */
const MAX_BATCH = 1000;

const MANAGED = new Set(['createdAt', 'updatedAt', 'version']);

/** Fields the ORM maintains (timestamps, version) are never input. */
function managedField(model: CompiledModel, name: string): boolean {
  return (
    MANAGED.has(name) &&
    ((name === 'version' && model.config.version) ||
      (name !== 'version' && model.config.timestamps))
  );
}

/**
 * The atomic operations of an update, grouped by operation in the update input (`add: { stock: -1 }`,
 * `append: { colors: ["red"] }`), as Hasura groups `_inc`/`_append`: a GraphQL input field has one
 * type, so a field cannot take either a value or an operation. Each maps to the ORM's
 * `{ field: { op: operand } }`.
 */
const ATOMIC_GROUPS: readonly {
  readonly group: string;
  readonly kinds: readonly AnyField['kind'][];
  readonly description: string;
}[] = [
  {
    group: 'add',
    kinds: ['int', 'float', 'stringSet', 'numberSet'],
    description: 'Adds to numbers (negative to subtract) and members to sets, atomically.',
  },
  { group: 'delete', kinds: ['stringSet', 'numberSet'], description: 'Removes members from sets.' },
  { group: 'append', kinds: ['list'], description: 'Adds elements at the end of lists.' },
  { group: 'prepend', kinds: ['list'], description: 'Adds elements at the start of lists.' },
  { group: 'removeAt', kinds: ['list'], description: 'Removes list elements by position.' },
];

/** An input of a model's writable fields (create: required ones required; update: all optional). */
function fieldsInput(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  name: string,
  options: {
    readonly partial: boolean;
    readonly omit: ReadonlySet<string>;
    readonly extra?: (f: ReturnType<typeof dynamic>, out: Record<string, unknown>) => void;
  },
) {
  const { model, enums, naming } = g;
  return builder.inputType(name, {
    fields: (t) => {
      const f = dynamic(t);
      const out: Record<string, unknown> = {};
      for (const [field, def] of model.fields) {
        if (!visible(def) || managedField(model, field) || options.omit.has(field)) continue;
        const scalar = scalarOf(def, enums.get(field) ?? null);
        const list = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
        out[naming.toGraphQL(field)] = f.field({
          type: list ? [scalar] : scalar,
          required: !options.partial && !def.options.optional && def.options.default === undefined,
          description: def.options.description,
        });
      }
      options.extra?.(f, out);
      return fieldMap(out);
    },
  });
}

/**
 * A failed condition of a write that carried an authorization condition: FORBIDDEN when the stored
 * item is not the caller's (nothing of it is shown), else the CONFLICT of the caller's own `if`,
 * with only the fields the caller may read.
 */
function authorizedFailure(
  g: GeneratedModel,
  ctx: unknown,
  authCondition: Values | null,
  error: unknown,
  what: string,
): unknown {
  if (!(error instanceof ConflictError)) return error;
  const current = error.current as object | null | undefined;
  if (authCondition && !meets(current, authCondition)) return refusal(g.access.caller(ctx), what);
  if (!current) return error;
  const mapped = toGraphQLError(error) as GraphQLError;
  return new GraphQLError(mapped.message, {
    extensions: { ...mapped.extensions, current: redacted(g, ctx, current) },
  });
}

/**
 * create / update / delete mutations of one model. Update is partial (omitted fields stay) and
 * takes `expectedVersion` on versioned models; mutations prime or clear the request's loader.
 * Failures are ORM errors (NotFoundError, ConflictError, ...), mapped to codes in errors.ts.
 */
export function addMutations(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  generated: ReadonlyMap<unknown, GeneratedModel>,
): void {
  const { cls, model, names, ref, enums, tableKey, naming } = g;
  // A collection delete removes every entity type of the partition: it needs a caller-level allow
  // (public, signedIn, groups, when) of delete on every model that has rules.
  const authorizeCollectionDelete = (ctx: unknown) => {
    for (const other of generated.values())
      if (other.access.decide('delete', ctx, {}).kind !== 'all')
        throw refusal(other.access.caller(ctx), `delete the ${other.names.plural} of a collection`);
  };
  const keyNames = new Set(tableKey.map((k) => k.name));
  const inputType = (name: string, partial: boolean) =>
    fieldsInput(builder, g, name, {
      partial,
      omit: partial ? keyNames : new Set(),
      extra: (f, out) => {
        if (partial && model.config.version)
          out.expectedVersion = f.field({
            type: 'Int',
            description: 'Fail with CONFLICT unless the stored version is this one.',
          });
        if (partial)
          for (const [group, ref] of atomicInputs)
            out[group] = f.field({
              type: ref,
              description: ATOMIC_GROUPS.find((a) => a.group === group)!.description,
            });
      },
    });
  // One input per atomic operation that some field of the model supports.
  const updatable = [...model.fields].filter(
    ([field, def]) => visible(def) && !managedField(model, field) && !keyNames.has(field),
  );
  const atomicInputs = new Map<string, object>();
  for (const { group, kinds } of ATOMIC_GROUPS) {
    const members = updatable.filter(([, def]) => kinds.includes(def.kind));
    if (members.length === 0) continue;
    const name = `${names.type}${group[0]!.toUpperCase()}${group.slice(1)}Input`;
    atomicInputs.set(
      group,
      builder.inputType(name, {
        fields: (t) => {
          const f = dynamic(t);
          return fieldMap(
            Object.fromEntries(
              members.map(([field, def]) => {
                const scalar = scalarOf(def, enums.get(field) ?? null);
                const type =
                  group === 'removeAt'
                    ? ['Int']
                    : def.kind === 'int' || def.kind === 'float'
                      ? scalar
                      : [scalar];
                return [naming.toGraphQL(field), f.field({ type })];
              }),
            ),
          );
        },
      }),
    );
  }
  const createInput = inputType(`Create${names.type}Input`, false);
  // Children created with the parent, per hasMany relation: the target's create input without the
  // fields the relation fills in from the parent (a todo item's userId from its user's id).
  const children = Object.entries(relationsOf(cls)).flatMap(([name, relation]) => {
    const target = relation.kind === 'hasMany' ? generated.get(relation.target()) : undefined;
    if (!target) return [];
    const input = fieldsInput(builder, target, `Create${names.type}${upperFirst(name)}Input`, {
      partial: false,
      omit: new Set(Object.keys(relation.on)),
    });
    return [{ name, relation, target, input }];
  });
  const updateInput = inputType(`Update${names.type}Input`, true);
  const Model = cls as unknown as {
    create: (d: object) => Promise<ModelBase>;
    batchCreate: (d: readonly object[]) => Promise<ModelBase[]>;
    update: (k: object, c: object, o: object) => Promise<ModelBase>;
    delete: (k: object, o: object) => Promise<ModelBase | null>;
  };
  /** An update input as the ORM's changes: plain fields, then each atomic group's fields. */
  const changesOf = (input: Values): { changes: Values; expectedVersion?: number } => {
    const { expectedVersion, ...rest } = input;
    const groups = new Set(atomicInputs.keys());
    const plain = Object.fromEntries(Object.entries(rest).filter(([k]) => !groups.has(k)));
    const changes = given(g, plain);
    for (const group of groups) {
      const members = given(g, rest[group] as Values | null | undefined);
      for (const [field, operand] of Object.entries(members)) {
        if (field in changes)
          throw badInput(
            `${naming.toGraphQL(field)} is changed twice (by value or by more than one operation); give it once`,
          );
        changes[field] = { [group]: operand };
      }
    }
    return {
      changes,
      ...(expectedVersion === null || expectedVersion === undefined
        ? {}
        : { expectedVersion: expectedVersion as number }),
    };
  };

  // Every mutation field is nullable: in `mutation { a b c }` a failing `b` nulls only `b` (its error
  // names its path), `a`'s answer stays and `c` still runs — graphql-js runs mutation fields one after
  // another and stops at the first non-null field that fails, answering `data: null`.
  builder.mutationFields((t) => {
    const f = dynamic(t);
    return fieldMap({
      [`create${names.type}`]: f.field({
        type: ref,
        nullable: true,
        description: `Creates a ${names.type}; ALREADY_EXISTS when its key is taken.${children.length > 0 ? ` Given ${children.map((c) => `\`${c.name}\``).join(' or ')}, the ${names.type} and those items are created together in one TransactWriteItems (at most ${MAX_TRANSACTION} items, each conditional on its key being free).` : ''}`,
        args: {
          input: f.arg({ type: createInput, required: true }),
          ...Object.fromEntries(
            children.map((c) => [
              c.name,
              f.arg({
                type: [c.input],
                description: `${c.target.names.type} items created with this ${names.type}, in the same transaction.`,
              }),
            ]),
          ),
        },
        resolve: guard(
          async (
            _root: unknown,
            args: Values & { input: Values },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const data = given(g, args.input);
            authorizeCreate(g, ctx, data);
            const nested = children.flatMap((c) =>
              ((args[c.name] as Values[] | null | undefined) ?? []).map((child) => {
                const values = given(c.target, child);
                for (const [targetField, sourceField] of Object.entries(c.relation.on))
                  values[targetField] = data[sourceField];
                authorizeCreate(c.target, ctx, values);
                return { c, values };
              }),
            );
            const loader = loaderFor(ctx, info);
            if (nested.length === 0) {
              const item = await Model.create(data);
              loader.prime(item);
              return item;
            }
            if (nested.length + 1 > MAX_TRANSACTION)
              throw badInput(
                `at most ${MAX_TRANSACTION} items in one create, got ${nested.length + 1}`,
              );
            const [parent, ...rest] = await transaction((tx) => [
              tx.create(cls, data) as ModelBase,
              ...nested.map(({ c, values }) => tx.create(c.target.cls, values) as ModelBase),
            ]);
            for (const item of [parent!, ...rest]) loader.prime(item);
            return parent;
          },
        ),
      }),
      [`create${upperFirst(names.plural)}`]: f.field({
        type: [ref],
        nullable: { list: true, items: false },
        description: `Creates several ${names.type} items. Every input is validated before any is written. By default one BatchWriteItem per 25 items, which like DynamoDB overwrites an existing key; BATCH_INCOMPLETE lists the positions \`written\` and \`unwritten\` when a chunk still fails after retries. \`allOrNothing: true\`: one TransactWriteItems (at most ${MAX_TRANSACTION}), each create conditional on its key being free (ALREADY_EXISTS otherwise, nothing written).`,
        args: {
          inputs: f.arg({ type: [createInput], required: true }),
          allOrNothing: f.arg({
            type: 'Boolean',
            description: 'All items in one transaction, or none.',
          }),
        },
        resolve: guard(
          async (
            _root: unknown,
            args: { inputs: Values[]; allOrNothing?: boolean | null },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const inputs = args.inputs.map((input) => given(g, input));
            for (const input of inputs) authorizeCreate(g, ctx, input);
            const max = args.allOrNothing ? MAX_TRANSACTION : MAX_BATCH;
            if (inputs.length > max)
              throw badInput(
                `at most ${max} inputs${args.allOrNothing ? ' with allOrNothing' : ''}, got ${inputs.length}`,
              );
            const items = args.allOrNothing
              ? await transaction((tx) => inputs.map((input) => tx.create(cls, input) as ModelBase))
              : await Model.batchCreate(inputs);
            const loader = loaderFor(ctx, info);
            for (const item of items) loader.prime(item);
            return items;
          },
        ),
      }),
      [`update${names.type}`]: f.field({
        type: ref,
        nullable: true,
        description: `Changes the given fields of a ${names.type} in one write (others stay); atomic operations and \`if\` apply in the same request. NOT_FOUND, or CONFLICT (with the current item) when \`if\` or \`expectedVersion\` fails.`,
        args: {
          ...keyArgs(f, g, tableKey),
          input: f.arg({ type: updateInput, required: true }),
          if: f.arg({
            type: g.where,
            description: 'Conditions the stored item must meet, checked in the same write.',
          }),
        },
        resolve: guard(
          async (
            _root: unknown,
            args: Values & { input: Values; if?: Values | null },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const { input, if: condition, ...keyArgValues } = args;
            const { changes, expectedVersion } = changesOf(input);
            const key = given(g, keyArgValues);
            const auth = authorizeChange(g, ctx, 'update', key, changes);
            const own = condition ? whereOf(g, condition) : null;
            // An `if` is a filter too: none on a field the caller may not read.
            checkFilterFields(g, ctx, own, key);
            const combined = own && auth ? { AND: [own, auth] } : (own ?? auth);
            try {
              const item = await Model.update(key, changes, {
                ...(combined ? { if: combined } : {}),
                ...(expectedVersion === undefined ? {} : { expectedVersion }),
              });
              loaderFor(ctx, info).prime(item);
              return item;
            } catch (error) {
              throw authorizedFailure(g, ctx, auth, error, `update this ${names.type}`);
            }
          },
        ),
      }),
      [`delete${names.type}`]: f.field({
        type: 'Boolean',
        nullable: true,
        description: `Deletes a ${names.type} in one write: true if it existed. \`collection: true\` also deletes every item in its partition (its item collection, every entity type), in batches of 25.`,
        args: {
          ...keyArgs(f, g, tableKey),
          collection: f.arg({
            type: 'Boolean',
            description: "Also delete the rest of this item's partition (its item collection).",
          }),
        },
        resolve: guard(
          async (
            _root: unknown,
            args: Values & { collection?: boolean | null },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const { collection, ...keyArgValues } = args;
            const key = given(g, keyArgValues);
            const auth = authorizeChange(g, ctx, 'delete', key);
            if (collection === true) authorizeCollectionDelete(ctx);
            let deleted: ModelBase | null;
            try {
              deleted = await Model.delete(key, {
                collection: collection === true,
                ...(auth ? { if: auth } : {}),
              });
            } catch (error) {
              throw authorizedFailure(g, ctx, auth, error, `delete this ${names.type}`);
            }
            if (deleted) loaderFor(ctx, info).clear(deleted);
            return deleted !== null;
          },
        ),
      }),
    });
  });
}
