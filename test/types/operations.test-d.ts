import { describe, expectTypeOf, it } from 'vitest';
import type {
  TenantUsersQuery,
  TenantUsersQueryVariables,
  UserWithOrdersQuery,
} from '../../examples/generated/operations.js';

describe('typed operations generated from examples/*.graphql', () => {
  it('types results and variables of the example queries', () => {
    expectTypeOf<TenantUsersQueryVariables['tenantId']>().toEqualTypeOf<string>();
    type Edge = TenantUsersQuery['usersByTenantIndex']['edges'][number];
    expectTypeOf<Edge['node']['age']>().toEqualTypeOf<number>();
    type Order = NonNullable<UserWithOrdersQuery['user']>['orders']['edges'][number]['node'];
    expectTypeOf<Order['status']>().toEqualTypeOf<'open' | 'paid' | 'shipped'>();
    expectTypeOf<Order['product']>().toMatchTypeOf<{ name: string; price: number } | null>();
  });
});
