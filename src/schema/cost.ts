// Cost: the worst-case reads of a document, estimated from its selection before execution, and
// what a request really cost (engine requests, capacity units), measured while it executes.
import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Consumed, Meter, metered } from '../orm/index.js';
import type { PageLimits } from './connections.js';

/** The page limits a schema was built with (buildSchema stores them in the schema's extensions). */
export function pageLimitsOf(
  schema: GraphQLSchema,
): Pick<PageLimits, 'defaultPageSize' | 'maxTotalCount'> {
  const stored = (schema.extensions as { tablegraph?: { limits?: PageLimits } }).tablegraph?.limits;
  return {
    defaultPageSize: stored?.defaultPageSize ?? 20,
    maxTotalCount: stored?.maxTotalCount ?? 1000,
  };
}

const isConnection = (type: GraphQLNamedType) =>
  isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
const isItem = (type: GraphQLNamedType) =>
  (isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node')) ||
  (isInterfaceType(type) && type.name === 'Node');

/**
 * The most items a document's operation can read, from its selection alone (pure, no I/O): a
 * connection reads its page (`first`/`last`, else the default page size) plus one item to know
 * whether more follow, and `totalCount` up to the count cap; a lookup, a `belongsTo` or `node` one
 * item, `nodes(ids:)` one per id; nested selections multiply by their parents' fan-out. Fragments
 * count for every type they may apply to (a worst case). Filtered pages may read ahead beyond
 * this, within the per-page read budget (maxReadsPerPage). Null when the variables are invalid
 * (execution refuses them).
 */
export function estimateReads(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: Pick<PageLimits, 'defaultPageSize' | 'maxTotalCount'> = pageLimitsOf(schema),
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  const values = coerced.coerced;
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const root = schema.getRootType(operation.operation);
  if (!root) return null;
  const writes = operation.operation === 'mutation';

  // Every field node of a selection set, through fragments (a fragment spread once per path).
  const fieldsOf = (set: SelectionSetNode, seen: ReadonlySet<string> = new Set()): FieldNode[] =>
    set.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD) return [s];
      if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet, seen);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return [];
      return fieldsOf(fragment.selectionSet, new Set([...seen, s.name.value]));
    });
  // The field's definition on the type, or on any type an abstract type may be.
  const definition = (
    type: GraphQLNamedType,
    name: string,
  ): GraphQLField<unknown, unknown> | null => {
    if (isObjectType(type) || isInterfaceType(type)) {
      const own = type.getFields()[name];
      if (own) return own;
    }
    if (isAbstractType(type))
      for (const t of schema.getPossibleTypes(type)) {
        const f = t.getFields()[name];
        if (f) return f;
      }
    return null;
  };
  const argsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode) => {
    try {
      return getArgumentValues(field, node, values) as Record<string, unknown>;
    } catch {
      return {};
    }
  };

  const walk = (
    type: GraphQLNamedType,
    set: SelectionSetNode | undefined,
    fanOut: number,
    top: boolean,
  ): number => {
    if (!set) return 0;
    let reads = 0;
    for (const node of fieldsOf(set)) {
      const name = node.name.value;
      if (name.startsWith('__')) continue; // introspection reads nothing
      const field = definition(type, name);
      if (!field) continue;
      const target = getNamedType(field.type);
      const args = argsOf(field, node);
      if (isConnection(target)) {
        const size = (args.first ?? args.last ?? limits.defaultPageSize) as number;
        const pageReads = Math.max(0, size) + 1;
        reads += fanOut * pageReads;
        for (const child of fieldsOf(
          node.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] },
        )) {
          if (child.name.value === 'totalCount') reads += fanOut * limits.maxTotalCount;
          else if (child.name.value === 'edges' && child.selectionSet) {
            const edge = getNamedType(definition(target, 'edges')!.type);
            for (const e of fieldsOf(child.selectionSet))
              if (e.name.value === 'node')
                reads += walk(
                  getNamedType(definition(edge, 'node')!.type),
                  e.selectionSet,
                  fanOut * size,
                  false,
                );
          }
        }
      } else if (isItem(target)) {
        const list = isListType(getNullableType(field.type));
        const ids = Object.values(args).find(Array.isArray) as unknown[] | undefined;
        const count = list ? (ids?.length ?? 1) : 1;
        // A mutation's answer is the item it wrote: no read.
        if (!(top && writes)) reads += fanOut * count;
        reads += walk(target, node.selectionSet, fanOut * count, false);
      } else reads += walk(target, node.selectionSet, fanOut, false);
    }
    return reads;
  };
  return walk(root, operation.selectionSet, 1, true);
}

/** What one GraphQL request cost, as `extensions.cost` and the `onCost` hook report it. */
export interface RequestCost extends Consumed {
  /** Requests per DynamoDB operation. */
  readonly operations: Readonly<Record<string, number>>;
  /** The estimated worst-case reads (items) the request was admitted with. */
  readonly estimate: number | null;
}

export interface CostOptions {
  /**
   * Refuse, before any resolver runs, an operation whose estimated reads (items; see
   * `estimateReads`) exceed this: `QUERY_TOO_COSTLY` with the `estimate` and the `limit`.
   * `false` admits every operation. @default 5000
   */
  readonly maxReads?: number | false;
  /** Put `cost` (requests, read/write units, per-operation requests, estimate) in the answer's `extensions`. @default true */
  readonly extensions?: boolean;
  /** Called after every operation with what it cost (logging, metrics). */
  readonly onCost?: (cost: RequestCost, context: unknown) => void;
}

export const DEFAULT_MAX_READS = 5000;

// Estimates are pure values of (schema, document, operation, variables): Yoga caches parsed
// documents, so a repeated operation is walked once, not on every request. Variables are part of
// the key (page sizes, id lists); a document holds a few variable sets at most.
const estimates = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number | null>>>();
const ESTIMATES_PER_DOCUMENT = 32;

function estimateOnce(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  let byDocument = estimates.get(schema);
  if (!byDocument) {
    byDocument = new WeakMap();
    estimates.set(schema, byDocument);
  }
  let byKey = byDocument.get(document);
  if (!byKey) {
    byKey = new Map();
    byDocument.set(document, byKey);
  }
  const empty = !variables || Object.keys(variables).length === 0;
  const key = `${operationName ?? ''}\u0000${empty ? '' : JSON.stringify(variables)}`;
  let estimate = byKey.get(key);
  if (estimate === undefined) {
    estimate = estimateReads(schema, document, operationName, variables);
    if (byKey.size >= ESTIMATES_PER_DOCUMENT) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, estimate);
  }
  return estimate;
}

/**
 * Envelop / Yoga plugin: refuses operations over the read budget before execution, and measures
 * what each operation cost (every backend reports its requests' ConsumedCapacity to the meter of
 * the execution it serves), into `extensions.cost` and `onCost`.
 */
export function useTablegraphCost(options: CostOptions = {}): Plugin {
  const maxReads = options.maxReads ?? DEFAULT_MAX_READS;
  const extensions = options.extensions ?? true;
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const estimate = estimateOnce(
        args.schema,
        args.document,
        args.operationName,
        args.variableValues as Record<string, unknown> | null | undefined,
      );
      if (maxReads !== false && estimate !== null && estimate > maxReads) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `This operation may read up to ${estimate} items, over the limit of ${maxReads}: ask for smaller pages (first/last), fewer nested connections, or no totalCount.`,
              { extensions: { code: 'QUERY_TOO_COSTLY', estimate, limit: maxReads } },
            ),
          ],
        });
        return;
      }
      if (!extensions && !options.onCost) return;
      const meter = new Meter();
      setExecuteFn((a) => metered(meter, () => executeFn(a)));
      return {
        onExecuteDone({ result, setResult }) {
          const cost: RequestCost = {
            ...meter.snapshot(),
            operations: { ...meter.operations },
            estimate,
          };
          options.onCost?.(cost, args.contextValue);
          if (!extensions || Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
  };
}
