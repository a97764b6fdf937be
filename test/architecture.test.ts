import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}
const imports = (file: string) =>
  [
    ...readFileSync(join(root, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm),
  ].map((m) => m[1]!);
const files = sources('src').filter((f) => !f.startsWith(join('src', 'generated')));

describe('layers (imports only go down)', () => {
  it('reads multi-line imports (so the checks below can fail)', () => {
    expect(imports(join('src', 'orm', 'backends', 'dynamodb', 'dynamodb-backend.ts'))).toContain(
      '@aws-sdk/lib-dynamodb',
    );
    expect(imports(join('src', 'schema', 'object-types.ts'))).toContain('../orm/index.js');
  });

  it('only src/orm/backends/dynamodb imports the AWS SDK', () => {
    const offenders = files.filter(
      (f) =>
        !f.startsWith(join('src', 'orm', 'backends', 'dynamodb')) &&
        imports(f).some((i) => i.startsWith('@aws-sdk/')),
    );
    expect(offenders).toEqual([]);
  });

  it('src/schema reaches the ORM only through src/orm/index.ts', () => {
    const offenders = files
      .filter((f) => f.startsWith(join('src', 'schema')))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.includes('/orm/') && i !== '../orm/index.js')
          .map((i) => `${f}: ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the ORM never imports the schema or the server', () => {
    const offenders = files
      .filter((f) => f.startsWith(join('src', 'orm')))
      .flatMap((f) =>
        imports(f)
          .filter((i) => /schema|server|graphql/.test(i))
          .map((i) => `${f}: ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the ORM core knows the backend contract, never a concrete backend', () => {
    const core = files.filter(
      (f) =>
        f.startsWith(join('src', 'orm')) &&
        !f.includes(join('orm', 'backends')) &&
        !f.endsWith('index.ts'),
    );
    const offenders = core.flatMap((f) =>
      imports(f)
        .filter((i) => /backends\/(memory|dynamodb)|backend-base/.test(i))
        .map((i) => `${relative('src', f)}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
