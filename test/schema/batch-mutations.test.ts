import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import { serve } from './harness.js';

// The all-or-nothing batch create runs as one transaction (memory here: dynalite has none; the
// transaction itself is tested on DynamoDB Local in the ORM contract).

describe('createProducts(allOrNothing: true)', () => {
  const backend = new InMemoryBackend();
  const m = defineModels(backend);
  const { gql } = serve(m);
  beforeEach(() => backend.clear());

  it('writes every item, or none when one key is taken', async () => {
    const ok = await gql(
      'mutation { createProducts(allOrNothing: true, inputs: [{ sku: "a", price: 1, stock: 1 }, { sku: "b", price: 2, stock: 2 }]) { sku } }',
    );
    expect(ok.data).toEqual({ createProducts: [{ sku: 'a' }, { sku: 'b' }] });
    const taken = await gql(
      'mutation { createProducts(allOrNothing: true, inputs: [{ sku: "c", price: 1, stock: 1 }, { sku: "a", price: 9, stock: 9 }]) { sku } }',
    );
    expect(taken.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
    expect(await m.Product.get({ sku: 'c' })).toBeNull();
    expect((await m.Product.get({ sku: 'a' }))?.price).toBe(1);
  });

  it('refuses more than 100 inputs before any write', async () => {
    const inputs = Array.from(
      { length: 101 },
      (_, i) => `{ sku: "x${i}", price: 1, stock: 1 }`,
    ).join(', ');
    const res = await gql(
      `mutation { createProducts(allOrNothing: true, inputs: [${inputs}]) { sku } }`,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(backend.size).toBe(0);
  });
});
