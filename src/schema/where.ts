import type { AnyField } from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { upperFirst } from './names.js';

type InputRef = ReturnType<TablegraphBuilder['inputRef']>;

/** The GraphQL scalar of a non-list field kind. */
export function scalarOf(def: AnyField, enumName: string | null): string {
  switch (def.kind) {
    case 'string':
      return def.options.primaryKey ? 'ID' : 'String';
    case 'int':
      return 'Int';
    case 'float':
      return 'Float';
    case 'boolean':
      return 'Boolean';
    case 'datetime':
      return 'DateTime';
    case 'date':
      return 'Date';
    case 'enum':
      return enumName!;
    case 'json':
      return 'JSON';
    case 'stringSet':
      return 'String';
    case 'numberSet':
      return 'Float';
    case 'list':
      return def.of ? scalarOf(def.of, enumName) : 'JSON';
  }
}

const ORDERED = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists'] as const;

/**
 * Filter input types, one per scalar (and per enum), created once per builder: `StringFilter`,
 * `IntFilter`, ... with the ORM's operators.
 */
export class FilterInputs {
  private readonly refs = new Map<string, InputRef>();
  constructor(private readonly builder: TablegraphBuilder) {}

  /** The filter input for a field, or null for kinds that only support `exists` through JSONFilter. */
  forField(def: AnyField, enumName: string | null): InputRef {
    const scalar = scalarOf(def, enumName);
    if (def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet')
      return this.collection(scalar);
    if (def.kind === 'json') return this.make('JSONFilter', 'JSON', ['exists']);
    if (def.kind === 'boolean')
      return this.make('BooleanFilter', 'Boolean', ['eq', 'ne', 'exists']);
    if (def.kind === 'enum')
      return this.make(`${enumName}Filter`, scalar, ['eq', 'ne', 'in', 'exists']);
    const text =
      scalar === 'String' || scalar === 'ID' || scalar === 'Date' || scalar === 'DateTime';
    return this.make(
      `${scalar}Filter`,
      scalar,
      text
        ? [...ORDERED, 'beginsWith', ...(scalar === 'String' ? ['contains'] : [])]
        : [...ORDERED],
    );
  }

  private collection(scalar: string): InputRef {
    return this.make(`${upperFirst(scalar)}ListFilter`, scalar, ['contains', 'exists']);
  }

  private make(name: string, scalar: string, operators: readonly string[]): InputRef {
    const existing = this.refs.get(name);
    if (existing) return existing;
    const ref = this.builder.inputRef(name);
    ref.implement({
      description: `Conditions on one ${scalar} field; all given operators must hold.`,
      fields: (t) =>
        Object.fromEntries(
          operators.map((op) => {
            switch (op) {
              case 'exists':
                return [
                  op,
                  t.boolean({ description: 'true: the field has a value; false: it is null.' }),
                ];
              case 'between':
                return [
                  op,
                  t.field({ type: [scalar] as never, description: '[low, high], both included.' }),
                ];
              case 'in':
                return [
                  op,
                  t.field({
                    type: [scalar] as never,
                    description: 'One of these values (at most 100).',
                  }),
                ];
              case 'beginsWith':
              case 'contains':
                return [
                  op,
                  t.field({
                    type: (op === 'contains' && scalar !== 'ID' ? scalar : 'String') as never,
                  }),
                ];
              default:
                return [op, t.field({ type: scalar as never })];
            }
          }),
        ) as never,
    });
    this.refs.set(name, ref);
    return ref;
  }
}
