import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBBackend, field, Model, partitionKey, sortKey } from '../../src/orm/index.js';
import { type Engine, startDynalite } from '../helpers/engines.js';

// The embedded engine's memory under load (`npm run soak` with SOAK_ENGINE=embedded): dynalite 4.0.0
// opened a leveldb iterator for every Query and Scan and never closed it (abstract-level 3 iterators
// have close(), and dynalite called return()), so each stayed attached to the database: heap growing
// with every read, for good. patches/dynalite+4.0.0.patch closes them; this counts the iterators the
// database holds after reads through the ORM (deterministic, well under a second).

const { AbstractLevel } = createRequire(import.meta.url)('abstract-level') as {
  AbstractLevel: { prototype: Record<'attachResource' | 'detachResource', (r: object) => unknown> };
};

describe('dynalite (embedded engine) frees what each read opens', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let open = 0;
  const original = {
    attachResource: AbstractLevel.prototype.attachResource,
    detachResource: AbstractLevel.prototype.detachResource,
  };
  beforeAll(async () => {
    const count = (d: number) =>
      function (this: unknown, r: object) {
        if (r.constructor.name.includes('Iterator')) open += d;
        return (d > 0 ? original.attachResource : original.detachResource).call(this, r);
      };
    AbstractLevel.prototype.attachResource = count(1);
    AbstractLevel.prototype.detachResource = count(-1);
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'iterators', endpoint: engine.endpoint });
  });
  afterAll(async () => {
    AbstractLevel.prototype.attachResource = original.attachResource;
    AbstractLevel.prototype.detachResource = original.detachResource;
    backend.close();
    await engine.close();
  });

  it('no iterator stays open after queries, limited pages and scans', async () => {
    class Note extends Model('Note', { owner: field.string(), id: field.string() }) {
      static meta = { backend };
      @partitionKey pk() {
        return `OWNER#${this.owner}`;
      }
      @sortKey sk() {
        return `NOTE#${this.id}`;
      }
    }
    await backend.createTable([Note]);
    await Note.batchCreate(Array.from({ length: 10 }, (_, i) => ({ owner: 'o', id: `n${i}` })));
    const before = open;
    for (let i = 0; i < 10; i++) {
      await Note.where({ owner: 'o' }).all(); // whole partition
      await Note.where({ owner: 'o' }).limit(3).paginate(); // a page that stops early
      await Note.where({ owner: 'nobody' }).all(); // nothing found
      await backend.scan(Note);
    }
    expect(open - before).toBe(0);
  });
});
