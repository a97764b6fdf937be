import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

it('runs the README quickstart as written', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = /## Quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const dir = join(root, 'test', '.generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-quickstart.ts');
  // The quickstart imports the package as a user does; here that is the ORM's source entry.
  expect(code).toContain("from 'tablegraph';");
  writeFileSync(
    file,
    `${code!.replaceAll("from 'tablegraph';", "from '../../src/orm/index.js';")}\nexport { User, TodoItem, Order, items, cursor };\n`,
  );
  const mod = await import(file);
  expect(mod.items.map((u: { id: string }) => u.id)).toEqual(['user-123']);
  expect(mod.cursor).toBeNull();
  expect(
    (await mod.TodoItem.where({ userId: 'user-123' }).all()).map((t: { title: string }) => t.title),
  ).toEqual(['Write the README']);
  expect((await mod.User.where({ tenantId: 'acme' }).first()).email).toBe('alice@example.com');
});
