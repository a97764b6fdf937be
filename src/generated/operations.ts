/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A calendar date, "YYYY-MM-DD". */
  Date: { input: string; output: string; }
  /** An ISO-8601 date-time in UTC, e.g. "2025-01-15T10:30:00.000Z". */
  DateTime: { input: string; output: string; }
  /** Any JSON value (maps, lists, strings, numbers, booleans, null). */
  JSON: { input: unknown; output: unknown; }
};

/** Conditions on one Boolean field; all given operators must hold. */
export type BooleanFilter = {
  eq?: InputMaybe<Scalars['Boolean']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  ne?: InputMaybe<Scalars['Boolean']['input']>;
};

export type CreateOrderInput = {
  orderId: Scalars['String']['input'];
  /** The product ordered. */
  sku?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<OrderStatus>;
  total: Scalars['Float']['input'];
  userId: Scalars['String']['input'];
};

export type CreateProductInput = {
  name: Scalars['String']['input'];
  price: Scalars['Float']['input'];
  sku: Scalars['ID']['input'];
  stock: Scalars['Int']['input'];
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type CreateTodoItemInput = {
  completed?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  priority?: InputMaybe<Scalars['Int']['input']>;
  title: Scalars['String']['input'];
  todoId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};

export type CreateUserInput = {
  age?: InputMaybe<Scalars['Int']['input']>;
  /** Where to reach the user. */
  email: Scalars['String']['input'];
  /** The user id. */
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  /** The tenant (organisation) the user belongs to. */
  tenantId?: InputMaybe<Scalars['String']['input']>;
};

/** Conditions on one DateTime field; all given operators must hold. */
export type DateTimeFilter = {
  beginsWith?: InputMaybe<Scalars['String']['input']>;
  /** [low, high], both included. */
  between?: InputMaybe<Array<Scalars['DateTime']['input']>>;
  eq?: InputMaybe<Scalars['DateTime']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  gt?: InputMaybe<Scalars['DateTime']['input']>;
  gte?: InputMaybe<Scalars['DateTime']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<Scalars['DateTime']['input']>>;
  lt?: InputMaybe<Scalars['DateTime']['input']>;
  lte?: InputMaybe<Scalars['DateTime']['input']>;
  ne?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Conditions on one Float field; all given operators must hold. */
export type FloatFilter = {
  /** [low, high], both included. */
  between?: InputMaybe<Array<Scalars['Float']['input']>>;
  eq?: InputMaybe<Scalars['Float']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  gt?: InputMaybe<Scalars['Float']['input']>;
  gte?: InputMaybe<Scalars['Float']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<Scalars['Float']['input']>>;
  lt?: InputMaybe<Scalars['Float']['input']>;
  lte?: InputMaybe<Scalars['Float']['input']>;
  ne?: InputMaybe<Scalars['Float']['input']>;
};

/** Conditions on one ID field; all given operators must hold. */
export type IdFilter = {
  beginsWith?: InputMaybe<Scalars['String']['input']>;
  /** [low, high], both included. */
  between?: InputMaybe<Array<Scalars['ID']['input']>>;
  eq?: InputMaybe<Scalars['ID']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  gt?: InputMaybe<Scalars['ID']['input']>;
  gte?: InputMaybe<Scalars['ID']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<Scalars['ID']['input']>>;
  lt?: InputMaybe<Scalars['ID']['input']>;
  lte?: InputMaybe<Scalars['ID']['input']>;
  ne?: InputMaybe<Scalars['ID']['input']>;
};

/** Conditions on one Int field; all given operators must hold. */
export type IntFilter = {
  /** [low, high], both included. */
  between?: InputMaybe<Array<Scalars['Int']['input']>>;
  eq?: InputMaybe<Scalars['Int']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  gt?: InputMaybe<Scalars['Int']['input']>;
  gte?: InputMaybe<Scalars['Int']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<Scalars['Int']['input']>>;
  lt?: InputMaybe<Scalars['Int']['input']>;
  lte?: InputMaybe<Scalars['Int']['input']>;
  ne?: InputMaybe<Scalars['Int']['input']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Creates a Order; ALREADY_EXISTS when its key is taken. */
  createOrder: Order;
  /** Creates a Product; ALREADY_EXISTS when its key is taken. */
  createProduct: Product;
  /** Creates a TodoItem; ALREADY_EXISTS when its key is taken. */
  createTodoItem: TodoItem;
  /** Creates a User; ALREADY_EXISTS when its key is taken. */
  createUser: User;
  /** Deletes a Order: true if it existed. */
  deleteOrder: Scalars['Boolean']['output'];
  /** Deletes a Product: true if it existed. */
  deleteProduct: Scalars['Boolean']['output'];
  /** Deletes a TodoItem: true if it existed. */
  deleteTodoItem: Scalars['Boolean']['output'];
  /** Deletes a User: true if it existed. */
  deleteUser: Scalars['Boolean']['output'];
  /** Changes the given fields of a Order (others stay); NOT_FOUND, or CONFLICT on a stale version. */
  updateOrder: Order;
  /** Changes the given fields of a Product (others stay); NOT_FOUND, or CONFLICT on a stale version. */
  updateProduct: Product;
  /** Changes the given fields of a TodoItem (others stay); NOT_FOUND, or CONFLICT on a stale version. */
  updateTodoItem: TodoItem;
  /** Changes the given fields of a User (others stay); NOT_FOUND, or CONFLICT on a stale version. */
  updateUser: User;
};


export type MutationCreateOrderArgs = {
  input: CreateOrderInput;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationCreateTodoItemArgs = {
  input: CreateTodoItemInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDeleteOrderArgs = {
  orderId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type MutationDeleteProductArgs = {
  sku: Scalars['ID']['input'];
};


export type MutationDeleteTodoItemArgs = {
  todoId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type MutationDeleteUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUpdateOrderArgs = {
  input: UpdateOrderInput;
  orderId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type MutationUpdateProductArgs = {
  input: UpdateProductInput;
  sku: Scalars['ID']['input'];
};


export type MutationUpdateTodoItemArgs = {
  input: UpdateTodoItemInput;
  todoId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type MutationUpdateUserArgs = {
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
};

export type Node = {
  /** A global ID for `node(id:)`; the model keeps its own key fields. */
  nodeId: Scalars['ID']['output'];
};

/** Order (entity type "Order"). */
export type Order = Node & {
  __typename?: 'Order';
  /** A global ID for `node(id:)`; the model keeps its own key fields. */
  nodeId: Scalars['ID']['output'];
  orderId: Scalars['String']['output'];
  /** The Product this Order belongs to. */
  product?: Maybe<Product>;
  /** The product ordered. */
  sku?: Maybe<Scalars['String']['output']>;
  status: OrderStatus;
  total: Scalars['Float']['output'];
  /** The User this Order belongs to. */
  user?: Maybe<User>;
  userId: Scalars['String']['output'];
};

export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  pageInfo: PageInfo;
  /** How many items match, counted up to the server's cap (at the cap it means "at least"). Costs reads: ask only when needed. */
  totalCount: Scalars['Int']['output'];
};

export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

export type OrderStatus =
  | 'open'
  | 'paid'
  | 'shipped';

/** Conditions on one OrderStatus field; all given operators must hold. */
export type OrderStatusFilter = {
  eq?: InputMaybe<OrderStatus>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<OrderStatus>>;
  ne?: InputMaybe<OrderStatus>;
};

/** Conditions on orders: every given field must match; AND / OR / NOT nest. */
export type OrderWhere = {
  AND?: InputMaybe<Array<OrderWhere>>;
  NOT?: InputMaybe<OrderWhere>;
  OR?: InputMaybe<Array<OrderWhere>>;
  orderId?: InputMaybe<StringFilter>;
  sku?: InputMaybe<StringFilter>;
  status?: InputMaybe<OrderStatusFilter>;
  total?: InputMaybe<FloatFilter>;
  userId?: InputMaybe<StringFilter>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Product (entity type "Product"). */
export type Product = Node & {
  __typename?: 'Product';
  name: Scalars['String']['output'];
  /** A global ID for `node(id:)`; the model keeps its own key fields. */
  nodeId: Scalars['ID']['output'];
  price: Scalars['Float']['output'];
  sku: Scalars['ID']['output'];
  stock: Scalars['Int']['output'];
  tags?: Maybe<Array<Scalars['String']['output']>>;
};

export type ProductConnection = {
  __typename?: 'ProductConnection';
  edges: Array<ProductEdge>;
  pageInfo: PageInfo;
  /** How many items match, counted up to the server's cap (at the cap it means "at least"). Costs reads: ask only when needed. */
  totalCount: Scalars['Int']['output'];
};

export type ProductEdge = {
  __typename?: 'ProductEdge';
  cursor: Scalars['String']['output'];
  node: Product;
};

/** Conditions on products: every given field must match; AND / OR / NOT nest. */
export type ProductWhere = {
  AND?: InputMaybe<Array<ProductWhere>>;
  NOT?: InputMaybe<ProductWhere>;
  OR?: InputMaybe<Array<ProductWhere>>;
  name?: InputMaybe<StringFilter>;
  price?: InputMaybe<FloatFilter>;
  sku?: InputMaybe<IdFilter>;
  stock?: InputMaybe<IntFilter>;
  tags?: InputMaybe<StringListFilter>;
};

export type Query = {
  __typename?: 'Query';
  node?: Maybe<Node>;
  nodes: Array<Maybe<Node>>;
  /** One Order by its key, or null. */
  order?: Maybe<Order>;
  /** Every Order matching `where` (a keyed Query when it fixes a partition key, else a Scan). */
  orders: OrderConnection;
  /** orders in one partition of the table, in sort-key order. */
  ordersByUserId: OrderConnection;
  /** One Product by its key, or null. */
  product?: Maybe<Product>;
  /** Every Product matching `where` (a keyed Query when it fixes a partition key, else a Scan). */
  products: ProductConnection;
  /** One TodoItem by its key, or null. */
  todoItem?: Maybe<TodoItem>;
  /** Every TodoItem matching `where` (a keyed Query when it fixes a partition key, else a Scan). */
  todoItems: TodoItemConnection;
  /** todoItems in one partition of the table, in sort-key order. */
  todoItemsByUserId: TodoItemConnection;
  /** One User by its key, or null. */
  user?: Maybe<User>;
  /** Every User matching `where` (a keyed Query when it fixes a partition key, else a Scan). */
  users: UserConnection;
  /** users in one partition of the TenantIndex index, in its sort-key order. */
  usersByTenantIndex: UserConnection;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryOrderArgs = {
  orderId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<OrderWhere>;
};


export type QueryOrdersByUserIdArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  userId: Scalars['String']['input'];
  where?: InputMaybe<OrderWhere>;
};


export type QueryProductArgs = {
  sku: Scalars['ID']['input'];
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<ProductWhere>;
};


export type QueryTodoItemArgs = {
  todoId: Scalars['String']['input'];
  userId: Scalars['String']['input'];
};


export type QueryTodoItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<TodoItemWhere>;
};


export type QueryTodoItemsByUserIdArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  userId: Scalars['String']['input'];
  where?: InputMaybe<TodoItemWhere>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<UserWhere>;
};


export type QueryUsersByTenantIndexArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  tenantId: Scalars['String']['input'];
  where?: InputMaybe<UserWhere>;
};

/** Conditions on one String field; all given operators must hold. */
export type StringFilter = {
  beginsWith?: InputMaybe<Scalars['String']['input']>;
  /** [low, high], both included. */
  between?: InputMaybe<Array<Scalars['String']['input']>>;
  contains?: InputMaybe<Scalars['String']['input']>;
  eq?: InputMaybe<Scalars['String']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
  gt?: InputMaybe<Scalars['String']['input']>;
  gte?: InputMaybe<Scalars['String']['input']>;
  /** One of these values (at most 100). */
  in?: InputMaybe<Array<Scalars['String']['input']>>;
  lt?: InputMaybe<Scalars['String']['input']>;
  lte?: InputMaybe<Scalars['String']['input']>;
  ne?: InputMaybe<Scalars['String']['input']>;
};

/** Conditions on one String field; all given operators must hold. */
export type StringListFilter = {
  contains?: InputMaybe<Scalars['String']['input']>;
  /** true: the field has a value; false: it is null. */
  exists?: InputMaybe<Scalars['Boolean']['input']>;
};

/** TodoItem (entity type "TodoItem"). */
export type TodoItem = Node & {
  __typename?: 'TodoItem';
  completed: Scalars['Boolean']['output'];
  /** When the item was created (UTC). */
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** A global ID for `node(id:)`; the model keeps its own key fields. */
  nodeId: Scalars['ID']['output'];
  priority: Scalars['Int']['output'];
  title: Scalars['String']['output'];
  todoId: Scalars['String']['output'];
  /** When the item was last written (UTC). */
  updatedAt: Scalars['DateTime']['output'];
  /** The User this TodoItem belongs to. */
  user?: Maybe<User>;
  userId: Scalars['String']['output'];
  /** Optimistic-locking version. */
  version: Scalars['Int']['output'];
};

export type TodoItemConnection = {
  __typename?: 'TodoItemConnection';
  edges: Array<TodoItemEdge>;
  pageInfo: PageInfo;
  /** How many items match, counted up to the server's cap (at the cap it means "at least"). Costs reads: ask only when needed. */
  totalCount: Scalars['Int']['output'];
};

export type TodoItemEdge = {
  __typename?: 'TodoItemEdge';
  cursor: Scalars['String']['output'];
  node: TodoItem;
};

/** Conditions on todoItems: every given field must match; AND / OR / NOT nest. */
export type TodoItemWhere = {
  AND?: InputMaybe<Array<TodoItemWhere>>;
  NOT?: InputMaybe<TodoItemWhere>;
  OR?: InputMaybe<Array<TodoItemWhere>>;
  completed?: InputMaybe<BooleanFilter>;
  createdAt?: InputMaybe<DateTimeFilter>;
  description?: InputMaybe<StringFilter>;
  priority?: InputMaybe<IntFilter>;
  title?: InputMaybe<StringFilter>;
  todoId?: InputMaybe<StringFilter>;
  updatedAt?: InputMaybe<DateTimeFilter>;
  userId?: InputMaybe<StringFilter>;
  version?: InputMaybe<IntFilter>;
};

export type UpdateOrderInput = {
  /** The product ordered. */
  sku?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<OrderStatus>;
  total?: InputMaybe<Scalars['Float']['input']>;
};

export type UpdateProductInput = {
  name?: InputMaybe<Scalars['String']['input']>;
  price?: InputMaybe<Scalars['Float']['input']>;
  stock?: InputMaybe<Scalars['Int']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type UpdateTodoItemInput = {
  completed?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** Fail with CONFLICT unless the stored version is this one. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  priority?: InputMaybe<Scalars['Int']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateUserInput = {
  age?: InputMaybe<Scalars['Int']['input']>;
  /** Where to reach the user. */
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** The tenant (organisation) the user belongs to. */
  tenantId?: InputMaybe<Scalars['String']['input']>;
};

/** User (entity type "User"). */
export type User = Node & {
  __typename?: 'User';
  age: Scalars['Int']['output'];
  /** When the item was created (UTC). */
  createdAt: Scalars['DateTime']['output'];
  /** Where to reach the user. */
  email: Scalars['String']['output'];
  /** The user id. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** A global ID for `node(id:)`; the model keeps its own key fields. */
  nodeId: Scalars['ID']['output'];
  /** The user's orders, by order id. */
  orders: OrderConnection;
  /** The tenant (organisation) the user belongs to. */
  tenantId?: Maybe<Scalars['String']['output']>;
  /** The user's todo items, oldest first. */
  todos: TodoItemConnection;
  /** When the item was last written (UTC). */
  updatedAt: Scalars['DateTime']['output'];
};


/** User (entity type "User"). */
export type UserOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<OrderWhere>;
};


/** User (entity type "User"). */
export type UserTodosArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<TodoItemWhere>;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
  /** How many items match, counted up to the server's cap (at the cap it means "at least"). Costs reads: ask only when needed. */
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

/** Conditions on users: every given field must match; AND / OR / NOT nest. */
export type UserWhere = {
  AND?: InputMaybe<Array<UserWhere>>;
  NOT?: InputMaybe<UserWhere>;
  OR?: InputMaybe<Array<UserWhere>>;
  age?: InputMaybe<IntFilter>;
  createdAt?: InputMaybe<DateTimeFilter>;
  email?: InputMaybe<StringFilter>;
  id?: InputMaybe<IdFilter>;
  name?: InputMaybe<StringFilter>;
  tenantId?: InputMaybe<StringFilter>;
  updatedAt?: InputMaybe<DateTimeFilter>;
};

export type CreateTodoItemInput = {
  completed?: boolean | null | undefined;
  description?: string | null | undefined;
  priority?: number | null | undefined;
  title: string;
  todoId: string;
  userId: string;
};

export type OrderStatus =
  | 'open'
  | 'paid'
  | 'shipped';

export type OpenTodosQueryVariables = Exact<{
  userId: string;
}>;


export type OpenTodosQuery = { todoItemsByUserId: { edges: Array<{ node: { todoId: string, title: string, priority: number, user: { name: string } | null } }> } };

export type TenantUsersQueryVariables = Exact<{
  tenantId: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TenantUsersQuery = { usersByTenantIndex: { edges: Array<{ cursor: string, node: { id: string, name: string, age: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CreateTodoMutationVariables = Exact<{
  input: CreateTodoItemInput;
}>;


export type CreateTodoMutation = { createTodoItem: { userId: string, todoId: string, title: string, version: number } };

export type CompleteTodoMutationVariables = Exact<{
  userId: string;
  todoId: string;
  version?: number | null | undefined;
}>;


export type CompleteTodoMutation = { updateTodoItem: { todoId: string, completed: boolean, version: number } };

export type DeleteTodoMutationVariables = Exact<{
  userId: string;
  todoId: string;
}>;


export type DeleteTodoMutation = { deleteTodoItem: boolean };

export type UserWithOrdersQueryVariables = Exact<{
  id: string | number;
}>;


export type UserWithOrdersQuery = { user: { id: string, name: string, email: string, todos: { edges: Array<{ node: { todoId: string, title: string, completed: boolean } }> }, orders: { totalCount: number, edges: Array<{ node: { orderId: string, total: number, status: OrderStatus, product: { name: string, price: number } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };
