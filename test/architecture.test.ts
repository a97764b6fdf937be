import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
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

/** The source files a file imports (relative imports, type-only ones included), as paths from the root. */
function localImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...imports(file), ...[...text.matchAll(/^import '([^']+)'/gm)].map((m) => m[1]!)];
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))));
}

/** Every import circle among `files`, each as the list of files around it (Tarjan's components). */
function circles(list: readonly string[]): string[][] {
  const graph = new Map(list.map((f) => [f, localImports(f).filter((i) => list.includes(i))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) out.push(component.sort());
    }
  };
  for (const f of list) if (!index.has(f)) visit(f);
  return out;
}

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

  it('finds an import circle when there is one (so the check below can fail)', () => {
    const a = join('src', 'orm', 'registry.ts');
    expect(localImports(a)).toContain(join('src', 'orm', 'model-meta.ts'));
    expect(
      circles([join('test', 'fixtures', 'circle-a.ts'), join('test', 'fixtures', 'circle-b.ts')]),
    ).toHaveLength(1);
  });

  it('has no import circle anywhere in src/ (type-only imports included)', () => {
    expect(circles(files)).toEqual([]);
  });

  it('the ORM reads bottom-up: metadata, planning and the backend contract never import an operation or the facade', () => {
    const orm = (...p: string[]) => join('src', 'orm', ...p);
    const low = [
      'errors.ts',
      'fields.ts',
      'decorators.ts',
      'model-meta.ts',
      'layout.ts',
      'limits.ts',
      'registry.ts',
      'backend.ts',
      join('query', 'operators.ts'),
      join('query', 'conditions.ts'),
      join('query', 'plan.ts'),
      join('query', 'evaluate.ts'),
      join('query', 'order.ts'),
      join('query', 'cursor.ts'),
    ].map((f) => orm(f));
    const above = [
      orm('model.ts'),
      orm('instances.ts'),
      orm('write-pipeline.ts'),
      orm('reads.ts'),
      orm('writes.ts'),
      orm('update.ts'),
      orm('transaction.ts'),
      orm('relations.ts'),
      orm('query', 'read.ts'),
      orm('query', 'query.ts'),
      orm('index.ts'),
    ];
    const offenders = low.flatMap((f) =>
      localImports(f)
        .filter((i) => above.includes(i) || i.startsWith(orm('backends')))
        .map((i) => `${f}: ${i}`),
    );
    expect(offenders).toEqual([]);
    // Only the public door imports the facade.
    const facadeUsers = files.filter((f) => localImports(f).includes(orm('model.ts')));
    expect(facadeUsers).toEqual([orm('index.ts')]);
  });
});
