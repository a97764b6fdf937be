// The GraphQL operations of the server benches, written against the names the generated schema
// uses today (probed, since the Node ID field and a model's own key field may be renamed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import { signToken } from '../../src/identity.js';

/** The secret both servers verify bearer tokens with (TABLEGRAPH_JWT_SECRET for the real server). */
export const BENCH_JWT_SECRET = 'bench-jwt-secret';
/**
 * Every bench request carries an admin's bearer token: the demo models have auth rules, and admins
 * read everything, as the hand-written server (which verifies the same token) serves everything.
 */
export const HEADERS = {
  'content-type': 'application/json',
  authorization: `Bearer ${await signToken(BENCH_JWT_SECRET, { sub: 'bench-admin', groups: ['admin'] })}`,
};

export interface Names {
  /** The Node interface's ID field (`nodeId` today). */
  node: string;
  /** The argument of `user(...)`. */
  userArg: string;
  /** User's own key field. */
  userKey: string;
}

export async function gql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: Record<string, unknown>; errors?: { message: string }[]; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { ...JSON.parse(text), text };
}

/**
 * The names, from the demo schema's SDL (schema.graphql, which a drift test keeps equal to the served
 * schema): the real server runs with NODE_ENV=production, where introspection is refused.
 */
export async function probeNames(_url: string): Promise<Names> {
  const sdl = readFileSync(join(import.meta.dirname, '..', '..', 'schema.graphql'), 'utf8');
  const r = await graphql({
    schema: buildSchema(sdl),
    source: `{ node: __type(name: "Node") { fields { name } } user: __type(name: "User") { fields { name } }
       query: __type(name: "Query") { fields { name args { name } } } }`,
  });
  const d = r.data as {
    node: { fields: { name: string }[] };
    user: { fields: { name: string }[] };
    query: { fields: { name: string; args: { name: string }[] }[] };
  };
  const node = d.node.fields[0]!.name;
  const userArg = d.query.fields.find((f) => f.name === 'user')!.args[0]!.name;
  const userFields = d.user.fields.map((f) => f.name);
  const userKey =
    userFields.includes(userArg) && userArg !== node
      ? userArg
      : userFields.find((f) => f !== node && /id$/i.test(f) && f !== 'tenantId')!;
  return { node, userArg, userKey };
}

export interface Operation {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/** The three operations whose throughput is measured (no cursor selected, as most clients do). */
export const throughputOps = (n: Names): Operation[] => [
  { name: 'user(id)', query: `{ user(${n.userArg}: "u001") { ${n.userKey} name email age } }` },
  {
    name: 'orders(first: 20) { user { name } }',
    query: '{ orders(first: 20) { edges { node { orderId total user { name } } } } }',
  },
  {
    name: 'usersByTenantIndex(first: 20) { orders(first: 5) }',
    query: `{ usersByTenantIndex(tenantId: "acme", first: 20) { edges { node { ${n.userKey} name orders(first: 5) { edges { node { orderId total } } } } } } }`,
  },
];
