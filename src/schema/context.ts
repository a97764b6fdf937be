import type { GraphQLResolveInfo } from 'graphql';
import { ItemLoader } from './loaders.js';

/**
 * What the generated resolvers read from the GraphQL context: nothing is required. Any server's
 * context object works as it is; `tablegraph.loader`, when present, is the loader used for it.
 */
export interface TablegraphContext {
  readonly tablegraph?: { readonly loader: ItemLoader };
}

// One loader per request, keyed to the request's context object (what Pothos' own plugins do), so
// plain Yoga, Apollo Server or graphql-http batch with no setup. Entries go with their context.
const loaders = new WeakMap<object, ItemLoader>();

/**
 * The item loader of the request a resolver runs in. Keyed to the context object; an execution
 * with no context object (graphql-http without a `context` option) is keyed to its coerced
 * variables object, which graphql-js creates afresh for every execution.
 */
export function loaderFor(context: unknown, info?: GraphQLResolveInfo): ItemLoader {
  // A subscription's context lives as long as the subscription: each event (its root value, fresh
  // per subscriber and event) gets its own loader, so no event reads another's stale cache.
  if (
    info?.operation.operation === 'subscription' &&
    info.rootValue &&
    typeof info.rootValue === 'object'
  )
    return ownLoader(info.rootValue as object);
  const owner =
    context !== null && typeof context === 'object' ? context : (info?.variableValues ?? null);
  if (owner === null) return new ItemLoader();
  const explicit = (owner as TablegraphContext).tablegraph?.loader;
  if (explicit instanceof ItemLoader) return explicit;
  return ownLoader(owner);
}

function ownLoader(owner: object): ItemLoader {
  let loader = loaders.get(owner);
  if (!loader) {
    loader = new ItemLoader();
    loaders.set(owner, loader);
  }
  return loader;
}

/**
 * Optional: a fresh context holding its own loader, for servers that build the context themselves
 * and want to prime it. Not needed: any context object gets a loader on first use.
 */
export function createContext(): TablegraphContext & {
  readonly tablegraph: { loader: ItemLoader };
} {
  return { tablegraph: { loader: new ItemLoader() } };
}

/**
 * Optional Yoga plugin that puts `tablegraph.loader` in every request's context (handy to reach
 * the loader in your own resolvers). The schema batches per request without it.
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
