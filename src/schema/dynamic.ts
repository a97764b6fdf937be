// Pothos infers a field's types from literal option objects written in code. The generated API's
// fields are computed from model metadata at run time, so their shapes exist only as data; this
// module is the one place where such data-shaped options cross into Pothos' typed builders. The
// resolvers themselves stay typed where they are written (their parameters are checked by callers).

/** A type reference: a GraphQL type name, a Pothos ref, or a list of either. */
export type TypeRef = string | object;
export type FieldType = TypeRef | readonly [TypeRef];

/** Options of an output field, an argument or an input field computed at run time. */
export interface DynamicFieldOptions {
  readonly type: FieldType;
  /** Output fields: may the value be null? (fields are non-null by default) */
  readonly nullable?: boolean | { readonly list: boolean; readonly items: boolean };
  /** Arguments and input fields: must the client pass it? */
  readonly required?: boolean;
  readonly description?: string;
  readonly args?: Readonly<Record<string, unknown>>;
  /** Any resolver: `(parent, args, context, info)`, each typed by the code that writes it. */
  readonly resolve?: (parent: never, args: never, context: never, info: never) => unknown;
}

/** The subset of a Pothos field builder (`t`) the generated API uses, with run-time shapes. */
export interface DynamicFields {
  field(options: DynamicFieldOptions): unknown;
  arg(options: DynamicFieldOptions): unknown;
  connection(options: DynamicFieldOptions, connection: unknown): unknown;
}

/** A Pothos field builder (object, query, mutation, input or connection fields) seen dynamically. */
export function dynamic(t: object): DynamicFields {
  return t as DynamicFields;
}

/** A computed field map, handed back to Pothos as the fields of a type. */
export function fieldMap(fields: Readonly<Record<string, unknown>>): never {
  return fields as never;
}
