import { GraphQLError, type GraphQLSchema } from 'graphql';
import {
  type AnyModelClass,
  type CompiledModel,
  ConfigurationError,
  type KeyPlan,
  modelOf,
} from '../orm/index.js';

/**
 * Who is calling, as the server's context says (a verified token's claims). `sub` identifies the
 * caller, `groups` its roles; every other claim can be matched by owner and tenant rules.
 */
export interface Caller {
  readonly sub?: string;
  readonly groups?: readonly string[];
  readonly [claim: string]: unknown;
}

/**
 * One way to be allowed. Rules of an operation are alternatives: any one allows. `owner` and
 * `tenant` match item fields to the caller's claims; they become key conditions of the request
 * (a Query on the caller's partition, a condition of the write), never a filter after reading.
 */
export type Rule =
  | { readonly kind: 'public' }
  | { readonly kind: 'signedIn' }
  | { readonly kind: 'groups'; readonly groups: readonly string[] }
  | {
      readonly kind: 'match';
      readonly label: 'owner' | 'tenant';
      /** Item field → the claim it must equal. */
      readonly fields: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'when';
      readonly test: (caller: Caller | null, context: unknown) => boolean;
    };

/** The rule constructors: `allow.owner({ userId: 'sub' })`, `allow.groups('admin')`, ... */
export const allow = {
  /** Anyone, signed in or not. */
  public: (): Rule => ({ kind: 'public' }),
  /** Any caller with an identity. */
  signedIn: (): Rule => ({ kind: 'signedIn' }),
  /** Callers in one of these groups (the `groups` claim). */
  groups: (...groups: string[]): Rule => ({ kind: 'groups', groups }),
  /** Items whose fields equal the caller's claims, e.g. `{ userId: 'sub' }`; the fields must fix a partition of the table or of a GSI. */
  owner: (fields: Readonly<Record<string, string>>): Rule => ({
    kind: 'match',
    label: 'owner',
    fields,
  }),
  /** As `owner`, for a claim that names a tenant, e.g. `{ tenantId: 'tenant' }` (a GSI partition). */
  tenant: (fields: Readonly<Record<string, string>>): Rule => ({
    kind: 'match',
    label: 'tenant',
    fields,
  }),
  /**
   * A custom predicate of the caller (and the request's context), e.g. a plan or a feature flag.
   * It does not see the item: item-dependent access is `owner`/`tenant`, which the engine enforces.
   */
  when: (test: (caller: Caller | null, context: unknown) => boolean): Rule => ({
    kind: 'when',
    test,
  }),
} as const;

type FieldNames<M> = M extends { readonly fields: infer F } ? keyof F & string : string;

/** Who may do what with one model. Once a model has rules, what they do not allow is denied. */
export interface ModelRules<M = AnyModelClass> {
  /** Lookups by key, `node`/`nodes`, belongsTo relations, subscription events. */
  readonly read?: readonly Rule[];
  /** Connections (list, partition, index, hasMany) and their totalCount. @default read */
  readonly list?: readonly Rule[];
  readonly create?: readonly Rule[];
  readonly update?: readonly Rule[];
  readonly delete?: readonly Rule[];
  /** Shorthand for create, update and delete when they are not given. */
  readonly write?: readonly Rule[];
  /** Field rules: a field a caller may not read resolves to null; one it may not write is refused. */
  readonly fields?: Partial<
    Record<FieldNames<M>, { readonly read?: readonly Rule[]; readonly write?: readonly Rule[] }>
  >;
}

/** One model's rules, typed by its fields: `rules(Order, { read: [allow.owner({ userId: 'sub' })] })`. */
export interface ModelAccessRules {
  readonly model: AnyModelClass;
  readonly rules: ModelRules;
}
export function rules<M extends AnyModelClass>(
  model: M,
  modelRules: ModelRules<M>,
): ModelAccessRules {
  return { model, rules: modelRules as ModelRules };
}

/** The schema's authorization options (`buildSchema({ models, auth })`). */
export interface AuthOptions {
  readonly rules: readonly ModelAccessRules[];
  /** The caller of a request, from its context. @default `context.caller ?? null` */
  readonly caller?: (context: unknown) => Caller | null | undefined;
}

type Values = Record<string, unknown>;
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete';

/**
 * What a caller may reach: everything, nothing, or the items whose fields equal these values (a key
 * condition for reads, a condition of the write for updates and deletes).
 */
export type Decision =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'where'; readonly values: Values };

const ALL: Decision = { kind: 'all' };
const NONE: Decision = { kind: 'none' };

/** Value equality as rules compare values (Dates by instant). */
export const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

/**
 * Decides rules for a caller (pure). `known` holds field values already fixed by the request (a
 * lookup's key, a connection's partition, a create's input, a loaded item): a match rule they decide
 * is allowed or not outright; one they leave open becomes the decision's `where` (the first such
 * rule in declared order: a list reads one partition, so declare the widest first).
 */
export function decide(
  rules: readonly Rule[],
  caller: Caller | null,
  context: unknown,
  known: Values,
): Decision {
  let open: Values | null = null;
  for (const rule of rules) {
    switch (rule.kind) {
      case 'public':
        return ALL;
      case 'signedIn':
        if (caller) return ALL;
        break;
      case 'groups':
        if (caller?.groups?.some((g) => rule.groups.includes(g))) return ALL;
        break;
      case 'when':
        if (rule.test(caller, context)) return ALL;
        break;
      case 'match': {
        if (!caller) break;
        const values: Values = {};
        let decided = true;
        let holds = true;
        for (const [field, claim] of Object.entries(rule.fields)) {
          const v = caller[claim];
          if (v === undefined || v === null || v === '') {
            holds = false;
            break;
          }
          values[field] = v;
          if (!(field in known)) decided = false;
          else if (!same(known[field], v)) holds = false;
        }
        if (!holds) break;
        if (decided) return ALL;
        open ??= values;
        break;
      }
    }
  }
  return open ? { kind: 'where', values: open } : NONE;
}

/** FORBIDDEN for a caller, UNAUTHENTICATED for nobody: the error of a refused write. */
export function refusal(caller: Caller | null, what: string): GraphQLError {
  return caller
    ? new GraphQLError(`Not allowed to ${what}`, { extensions: { code: 'FORBIDDEN' } })
    : new GraphQLError(`Sign in to ${what}`, {
        extensions: { code: 'UNAUTHENTICATED' },
      });
}

const partitionFixedBy = (plan: KeyPlan, fields: readonly string[]) =>
  plan.reads.length > 0 && plan.reads.every((f) => fields.includes(f));

/** One model's compiled rules, with the caller taken from each request's context. */
export class ModelAccess {
  private readonly ops: Readonly<Record<Operation, readonly Rule[] | null>>;
  private readonly fieldRules: ReadonlyMap<
    string,
    { readonly read: readonly Rule[] | null; readonly write: readonly Rule[] | null }
  >;

  constructor(
    readonly model: CompiledModel,
    modelRules: ModelRules | null,
    private readonly callerOf: (context: unknown) => Caller | null,
  ) {
    const r = modelRules;
    // No rules for a model: open. Any rule: deny what is not allowed.
    const op = (rules: readonly Rule[] | undefined, fallback?: readonly Rule[]) =>
      r === null ? null : (rules ?? fallback ?? []);
    this.ops = {
      read: op(r?.read),
      list: op(r?.list, r?.read),
      create: op(r?.create, r?.write),
      update: op(r?.update, r?.write),
      delete: op(r?.delete, r?.write),
    };
    this.fieldRules = new Map(
      Object.entries(r?.fields ?? {}).map(([field, f]) => [
        field,
        { read: f?.read ?? null, write: f?.write ?? null },
      ]),
    );
    this.validate();
  }

  /**
   * The fields read rules compare (owner/tenant fields of read and list, and of field read rules):
   * every projected read fetches them, so a rule never decides on a field that was not read.
   */
  get ruleFields(): readonly string[] {
    const out = new Set<string>();
    const add = (rules: readonly Rule[] | null | undefined) => {
      for (const r of rules ?? [])
        if (r.kind === 'match') for (const f of Object.keys(r.fields)) out.add(f);
    };
    add(this.ops.read);
    add(this.ops.list);
    for (const f of this.fieldRules.values()) add(f.read);
    return [...out];
  }

  /** True when the model has rules at all. */
  get configured(): boolean {
    return this.ops.read !== null;
  }

  caller(context: unknown): Caller | null {
    return this.callerOf(context);
  }

  /** The decision for an operation, given the field values the request fixes. */
  decide(operation: Operation, context: unknown, known: Values): Decision {
    const rules = this.ops[operation];
    return rules === null ? ALL : decide(rules, this.callerOf(context), context, known);
  }

  /** Whether a loaded item may be read (every match rule is decided by the item's own values). */
  canRead(context: unknown, item: object): boolean {
    return this.decide('read', context, item as Values).kind === 'all';
  }

  /** Fields with read rules (resolved to null when the caller may not read them). */
  readRestricted(field: string): boolean {
    return this.fieldRules.get(field)?.read != null;
  }

  /** Whether the caller may read one field of an item. */
  canReadField(context: unknown, field: string, item: object): boolean {
    const rules = this.fieldRules.get(field)?.read;
    if (!rules) return true;
    return decide(rules, this.callerOf(context), context, item as Values).kind === 'all';
  }

  /**
   * The decision for writing one field: `all`, `none`, or a condition the stored item must meet.
   * `known` holds the values fixed by the write (a create's input, an update's key).
   */
  decideFieldWrite(context: unknown, field: string, known: Values): Decision {
    const rules = this.fieldRules.get(field)?.write;
    return rules ? decide(rules, this.callerOf(context), context, known) : ALL;
  }

  /** Fields that have write rules. */
  get writeRestrictedFields(): string[] {
    return [...this.fieldRules].filter(([, f]) => f.write).map(([name]) => name);
  }

  // Private: every named field exists; owner/tenant rules of reads fix a partition (so a list is a
  // Query on the caller's partition, never a filter over everyone's items).
  private validate(): void {
    const { model } = this;
    const where = `auth rules of ${model.entity}`;
    const plans = [model.table.partition, ...[...model.indexes.values()].map((i) => i.partition)];
    const check = (rules: readonly Rule[] | null, label: string, needsPartition: boolean) => {
      for (const rule of rules ?? []) {
        if (rule.kind !== 'match') continue;
        const fields = Object.keys(rule.fields);
        for (const f of fields)
          if (!model.fields.has(f))
            throw new ConfigurationError(`${where}: ${label} names an unknown field ${f}`);
        if (!needsPartition) continue;
        if (!plans.some((p) => partitionFixedBy(p, fields)))
          throw new ConfigurationError(
            `${where}: ${label} matches ${fields.join(', ')}, which fix no partition of the table or of a GSI; a list would have to read everyone's items. Add a GSI whose partition key reads ${fields.join(', ')}, or use another rule`,
          );
      }
    };
    check(this.ops.list, 'list', true);
    for (const op of ['read', 'create', 'update', 'delete'] as const)
      check(this.ops[op], op, false);
    for (const [field, f] of this.fieldRules) {
      if (!model.fields.has(field))
        throw new ConfigurationError(`${where}: fields names an unknown field ${field}`);
      check(f.read, `fields.${field}.read`, false);
      check(f.write, `fields.${field}.write`, false);
    }
  }
}

/** Builds each model's access from the schema's auth options. */
export function compileAccess(
  models: readonly AnyModelClass[],
  options: AuthOptions | undefined,
): Map<AnyModelClass, ModelAccess> {
  const callerOf = (context: unknown): Caller | null => {
    const c = options?.caller
      ? options.caller(context)
      : (context as { caller?: Caller | null } | null)?.caller;
    return c ?? null;
  };
  const byModel = new Map<AnyModelClass, ModelRules>();
  for (const entry of options?.rules ?? []) {
    if (!models.includes(entry.model))
      throw new ConfigurationError(
        `auth rules name ${modelOf(entry.model).entity}, which is not in buildSchema({ models })`,
      );
    if (byModel.has(entry.model))
      throw new ConfigurationError(`auth rules name ${modelOf(entry.model).entity} twice`);
    byModel.set(entry.model, entry.rules);
  }
  return new Map(
    models.map((m) => [m, new ModelAccess(modelOf(m), byModel.get(m) ?? null, callerOf)]),
  );
}

/** Where a model's access travels: its object type's extensions, so it is scoped to the schema. */
export const ACCESS_EXTENSION = 'tablegraphAccess';

/**
 * The access of the model behind a type of `schema` (the schema a resolver runs in, `info.schema`):
 * kept on the type itself, so two schemas built over the same models keep their own rules.
 */
export function accessIn(schema: GraphQLSchema, typeName: string): ModelAccess | undefined {
  const type = schema.getType(typeName);
  return type?.extensions?.[ACCESS_EXTENSION] as ModelAccess | undefined;
}

/** The fields equal to a value at the top level of an ORM condition (`{ f: v }` or `{ f: { eq: v } }`). */
export function fixedBy(where: Values | null | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(where ?? {})) {
    if (k === 'AND' || k === 'OR' || k === 'NOT' || v === undefined || v === null) continue;
    if (typeof v !== 'object' || v instanceof Date) out[k] = v;
    else if ('eq' in (v as Values) && (v as Values).eq !== null) out[k] = (v as Values).eq;
  }
  return out;
}

/** Every field an ORM condition reads, at any depth. */
export function fieldsOf(where: Values | null | undefined, out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(where ?? {})) {
    if (k === 'AND' || k === 'OR') for (const w of (v as Values[] | null) ?? []) fieldsOf(w, out);
    else if (k === 'NOT') fieldsOf(v as Values | null, out);
    else out.add(k);
  }
  return out;
}
