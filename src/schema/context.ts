import { ItemLoader } from './loaders.js';

/** What every generated resolver needs from the GraphQL context. */
export interface TablegraphContext {
  readonly tablegraph: { readonly loader: ItemLoader };
}

/** A fresh per-request context: call it once per request (Yoga's `context` option does). */
export function createContext(): TablegraphContext {
  return { tablegraph: { loader: new ItemLoader() } };
}

/**
 * A Yoga plugin that gives every request of any Yoga server a fresh tablegraph context, for servers
 * that embed the schema: `createYoga({ schema, plugins: [useTablegraph()] })`.
 */
export function useTablegraph() {
  return {
    onContextBuilding({
      extendContext,
    }: {
      extendContext: (extension: TablegraphContext) => void;
    }) {
      extendContext(createContext());
    },
  };
}
