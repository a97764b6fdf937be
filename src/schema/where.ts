import { type AnyField, OPERATOR_TABLE, type Operand, operatorsFor } from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { dynamic, type FieldType, fieldMap } from './dynamic.js';
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

/**
 * Filter input types, one per field kind and scalar (`StringFilter`, `IntFilter`, `StatusFilter`,
 * `StringListFilter`, ...), created once per builder. Their fields are the operators the ORM's
 * operator table gives the kind, so the GraphQL filters and the ORM's conditions cannot disagree.
 */
export class FilterInputs {
  private readonly refs = new Map<string, InputRef>();
  constructor(private readonly builder: TablegraphBuilder) {}

  /** The filter input for a field. */
  forField(def: AnyField, enumName: string | null): InputRef {
    const scalar = scalarOf(def, enumName);
    const collection = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
    const name = collection ? `${upperFirst(scalar)}ListFilter` : `${scalar}Filter`;
    const existing = this.refs.get(name);
    if (existing) return existing;
    const ref = this.builder.inputRef(name);
    const element = collection ? scalar : 'String';
    ref.implement({
      description: `Conditions on one ${collection ? `list of ${scalar}` : scalar} field; all given operators must hold.`,
      fields: (t) => {
        const f = dynamic(t);
        return fieldMap(
          Object.fromEntries(
            operatorsFor(def.kind).map((op) => {
              const { operand, description } = OPERATOR_TABLE[op];
              return [op, f.field({ type: operandType(operand, scalar, element), description })];
            }),
          ),
        );
      },
    });
    this.refs.set(name, ref);
    return ref;
  }
}

// Private: the GraphQL type of an operator's operand (see the ORM's Operand).
function operandType(operand: Operand, scalar: string, element: string): FieldType {
  switch (operand) {
    case 'value':
      return scalar;
    case 'pair':
    case 'values':
      return [scalar];
    case 'text':
      return 'String';
    case 'element':
      return element;
    case 'flag':
      return 'Boolean';
  }
}
