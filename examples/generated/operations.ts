/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
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


export type TenantUsersQuery = { usersByTenantIndex: { edges: Array<{ cursor: string, node: { id: string, rowId: string, name: string, age: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CreateTodoMutationVariables = Exact<{
  input: CreateTodoItemInput;
}>;


export type CreateTodoMutation = { createTodoItem: { userId: string, todoId: string, title: string, version: number } | null };

export type CompleteTodoMutationVariables = Exact<{
  userId: string;
  todoId: string;
  version?: number | null | undefined;
}>;


export type CompleteTodoMutation = { updateTodoItem: { todoId: string, completed: boolean, version: number } | null };

export type DeleteTodoMutationVariables = Exact<{
  userId: string;
  todoId: string;
}>;


export type DeleteTodoMutation = { deleteTodoItem: boolean | null };

export type UserWithOrdersQueryVariables = Exact<{
  rowId: string | number;
}>;


export type UserWithOrdersQuery = { user: { id: string, rowId: string, name: string, email: string | null, todos: { edges: Array<{ node: { todoId: string, title: string, completed: boolean } }> }, orders: { totalCount: number, edges: Array<{ node: { orderId: string, total: number, status: OrderStatus, product: { name: string, price: number } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };
