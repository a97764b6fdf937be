import type { CompiledModel } from '../orm/index.js';

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
