// The one door into the ORM: src/schema and applications import only from here.

// Backends
export type { Backend, PageRequest, PageResult, WriteOp } from './backends/backend.js';
export { BackendBase } from './backends/backend-base.js';
export { DynamoDBAdapter } from './backends/dynamodb/adapter.js';
export type { RetryPolicy } from './backends/dynamodb/batch.js';
export {
  DynamoDBBackend,
  type DynamoDBBackendOptions,
} from './backends/dynamodb/dynamodb-backend.js';
export { InMemoryBackend, type InMemoryBackendOptions } from './backends/memory/memory-backend.js';
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
// Models and fields
export {
  type AnyModelClass,
  type InputFor,
  type InputOf,
  type InstanceOf,
  type KeyFor,
  Model,
  ModelBase,
  type ModelClass,
  type ModelOptions,
  modelOf,
  type ValuesFor,
  type ValuesOf,
} from './model.js';
export type { CompiledModel, IndexPlan, KeyPlan } from './model-meta.js';
export type { Condition, Operator, Operators, Where } from './query/conditions.js';
export { OPERATORS } from './query/conditions.js';
export type { OrderSpec, QueryPlan, SortCondition } from './query/plan.js';
// Queries
export { type Page, Query } from './query/query.js';
export { batchGetMany } from './reads.js';
// Relations and cross-model reads
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
