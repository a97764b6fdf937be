// The one door into the ORM: applications and src/schema import only from here. Names marked
// @internal serve the GraphQL layer and may change without notice.

// Backends: the storage contract, the shared base, the two engines and the item layout
export type {
  AtomicChanges,
  Backend,
  PageRequest,
  PageResult,
  ReadOptions,
  WriteOp,
} from './backend.js';
export { BackendBase } from './backends/backend-base.js';
export { DynamoDBAdapter } from './backends/dynamodb/adapter.js';
export type { RetryPolicy } from './backends/dynamodb/batch.js';
export {
  DynamoDBBackend,
  type DynamoDBBackendOptions,
} from './backends/dynamodb/dynamodb-backend.js';
export { InMemoryBackend, type InMemoryBackendOptions } from './backends/memory/memory-backend.js';
// Cost: what requests consumed (ConsumedCapacity), per call and per backend
export {
  type Consumed,
  itemSize,
  Meter,
  measure,
  metered,
  type RequestEvent,
} from './capacity.js';
// The change feed: every successful write, per backend (subscriptions, buses)
export {
  type Change,
  type ChangeKind,
  type ChangeListener,
  changedInstance,
  changeMatcher,
  fromWire,
  onChange,
  toWire,
  type WireChange,
} from './changes.js';
// Item collections
export {
  Collection,
  type CollectionHeads,
  type CollectionPage,
  collection,
  type Head,
  readCollectionHeads,
} from './collection.js';
// Models: defining them, their instances and the types inferred from their fields
export {
  afterLoad,
  afterSave,
  beforeSave,
  gsiPartitionKey,
  gsiSortKey,
  partitionKey,
  sortKey,
} from './decorators.js';
// Errors
export {
  BackendError,
  BatchWriteError,
  ConfigurationError,
  ConflictError,
  DuplicateKeyError,
  InvalidCursorError,
  isOrmError,
  MultipleResultsError,
  NotFoundError,
  OrmError,
  type OrmErrorCode,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export {
  type AnyField,
  type FieldDef,
  type FieldKind,
  type FieldMap,
  field,
  type JsonValue,
} from './fields.js';
export { instanceKeyId, keyId } from './instances.js';
export { type AdapterOptions, ItemAdapter, type StoredItem, type StoredKey } from './layout.js';
export {
  type ChangesFor,
  type FieldChange,
  type InputOf,
  Model,
  ModelBase,
  type ModelClass,
  type ModelOptions,
  type UpdateOptionsFor,
  type ValuesOf,
} from './model.js';
// For the GraphQL layer (@internal): compiled metadata, loader keys, cross-model batch reads
export type { CompiledModel, IndexPlan, KeyPlan } from './model-meta.js';
// Queries: conditions, the operator table, plans, pages
export type { Condition, Operators, Where } from './query/conditions.js';
export {
  OPERATOR_TABLE,
  OPERATORS,
  type Operand,
  type Operator,
  type OperatorSpec,
  operatorsFor,
} from './query/operators.js';
export type { OrderSpec, QueryPlan, SortCondition } from './query/plan.js';
export { type Page, Query } from './query/query.js';
export { batchGetMany, type GetOptions } from './reads.js';
export type {
  AnyModelClass,
  InputFor,
  InstanceOf,
  KeyFor,
  ModelInstance,
  ValuesFor,
} from './registry.js';
export { modelOf } from './registry.js';
// Relations
export {
  belongsTo,
  hasMany,
  loadBelongsTo,
  queryHasMany,
  type Relation,
  relationKey,
  relationsOf,
} from './relations.js';
// Transactions
export { Transaction, transaction } from './transaction.js';
export type { DeleteOptions, UpdateOptions } from './update.js';
