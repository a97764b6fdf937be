import { type CompiledModel, ConfigurationError } from '../orm/index.js';

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** GraphQL names of one model, by the convention the README lists. */
export interface ModelNames {
  readonly type: string;
  readonly single: string;
  readonly plural: string;
}

function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

export function namesOf(model: CompiledModel): ModelNames {
  const single = lowerFirst(model.entity);
  return { type: model.entity, single, plural: model.config.plural ?? pluralize(single) };
}

/** Index names may hold characters GraphQL names cannot (`by-total`): `ByTotal`. */
export function indexSuffix(index: string): string {
  return index
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(upperFirst)
    .join('');
}

/**
 * The GraphQL name of a model's own field named `id`. The Node interface's `id` is the global ID
 * every normalized client cache (Relay, Apollo Client, urql) keys objects by, so a model field
 * `id` is exposed as `rowId` — in object types, `where` inputs, mutation inputs and key arguments
 * alike (PostGraphile's convention). Every other field keeps its name.
 */
export const ROW_ID = 'rowId';

/** How one model's field names read in GraphQL, both ways. */
export interface FieldNaming {
  /** GraphQL name of a model field. */
  toGraphQL(field: string): string;
  /** Model field name of a GraphQL field or argument name (other names pass through). */
  toModel(name: string): string;
}

export function fieldNaming(model: CompiledModel): FieldNaming {
  if (!model.fields.has('id')) return { toGraphQL: (f) => f, toModel: (n) => n };
  if (model.fields.has(ROW_ID))
    throw new ConfigurationError(
      `${model.entity} has fields \`id\` and \`${ROW_ID}\`: GraphQL shows a model's \`id\` as \`${ROW_ID}\` (\`id\` is the Node global ID); rename one of them`,
    );
  return {
    toGraphQL: (f) => (f === 'id' ? ROW_ID : f),
    toModel: (n) => (n === ROW_ID ? 'id' : n),
  };
}
