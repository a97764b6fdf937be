import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function fail(message: string): never {
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDateTime(value: unknown): Date {
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (
    !d ||
    Number.isNaN(d.getTime()) ||
    (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(value))
  )
    fail(
      `DateTime must be an ISO-8601 date-time such as "2025-01-15T10:30:00Z", got ${JSON.stringify(value)}`,
    );
  return d;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date-time in UTC, e.g. "2025-01-15T10:30:00.000Z".',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : parseDateTime(value).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING ? parseDateTime(ast.value) : fail('DateTime must be a string'),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value))
    fail(`Date must be "YYYY-MM-DD", got ${JSON.stringify(value)}`);
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD".',
  serialize: (value) => parseDate(value),
  parseValue: parseDate,
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING ? parseDate(ast.value) : fail('Date must be a string'),
});

function literal(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      return fail('unsupported JSON literal');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value (maps, lists, strings, numbers, booleans, null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});
