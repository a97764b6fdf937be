import { GraphQLError } from 'graphql';
import type { CompiledModel, ModelBase } from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import type { TablegraphContext } from './context.js';
import { guard } from './errors.js';
import { type GeneratedModel, given, keyArgs, type Values, visible } from './model-types.js';
import { scalarOf } from './where.js';

const MANAGED = new Set(['createdAt', 'updatedAt', 'version']);

/** Fields the ORM maintains (timestamps, version) are never input. */
function managedField(model: CompiledModel, name: string): boolean {
  return (
    MANAGED.has(name) &&
    ((name === 'version' && model.config.version) ||
      (name !== 'version' && model.config.timestamps))
  );
}

/**
 * create / update / delete mutations of one model. Update is partial (omitted fields stay) and
 * takes `expectedVersion` on versioned models; mutations prime or clear the request's loader.
 */
export function addMutations(builder: TablegraphBuilder, g: GeneratedModel): void {
  const { cls, model, names, ref, enums, tableKey } = g;
  const keyNames = new Set(tableKey.map((k) => k.name));
  const inputType = (name: string, partial: boolean) =>
    builder.inputType(name, {
      fields: (t) => {
        const out: Record<string, unknown> = {};
        for (const [field, def] of model.fields) {
          if (!visible(def) || managedField(model, field) || (partial && keyNames.has(field)))
            continue;
          const scalar = scalarOf(def, enums.get(field) ?? null);
          const list = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
          const required = !partial && !def.options.optional && def.options.default === undefined;
          out[field] = t.field({
            type: (list ? [scalar] : scalar) as never,
            required,
            description: def.options.description,
          });
        }
        if (partial && model.config.version)
          out.expectedVersion = t.int({
            description: 'Fail with CONFLICT unless the stored version is this one.',
          });
        return out as never;
      },
    });
  const createInput = inputType(`Create${names.type}Input`, false);
  const updateInput = inputType(`Update${names.type}Input`, true);
  const Model = cls as unknown as {
    create: (d: object) => Promise<ModelBase>;
    get: (k: object) => Promise<ModelBase | null>;
  };
  const notFound = (args: Values) =>
    new GraphQLError(`${names.type} ${JSON.stringify(given(args))} was not found`, {
      extensions: { code: 'NOT_FOUND' },
    });

  builder.mutationFields((t) => ({
    [`create${names.type}`]: t.field({
      type: ref,
      description: `Creates a ${names.type}; ALREADY_EXISTS when its key is taken.`,
      args: { input: t.arg({ type: createInput, required: true }) },
      resolve: guard(async (_root: unknown, args: { input: Values }, ctx: TablegraphContext) => {
        const item = await Model.create(given(args.input));
        ctx.tablegraph.loader.prime(item);
        return item;
      }) as never,
    }),
    [`update${names.type}`]: t.field({
      type: ref,
      description: `Changes the given fields of a ${names.type} (others stay); NOT_FOUND, or CONFLICT on a stale version.`,
      args: {
        ...(keyArgs(t as never, g, tableKey) as object),
        input: t.arg({ type: updateInput, required: true }),
      } as never,
      resolve: guard(
        async (_root: unknown, args: Values & { input: Values }, ctx: TablegraphContext) => {
          const { input, ...key } = args;
          const item = await Model.get(given(key));
          if (!item) throw notFound(key);
          const { expectedVersion, ...changes } = given(input);
          if (expectedVersion != null && (item as unknown as Values).version !== expectedVersion)
            throw new GraphQLError(
              `${names.type} is at version ${(item as unknown as Values).version}, not ${expectedVersion}`,
              {
                extensions: { code: 'CONFLICT', current: item.toJSON() },
              },
            );
          Object.assign(item, changes);
          await item.save();
          ctx.tablegraph.loader.prime(item);
          return item;
        },
      ) as never,
    }),
    [`delete${names.type}`]: t.boolean({
      description: `Deletes a ${names.type}: true if it existed.`,
      args: keyArgs(t as never, g, tableKey) as never,
      resolve: guard(async (_root: unknown, args: Values, ctx: TablegraphContext) => {
        const item = await Model.get(given(args));
        if (!item) return false;
        const deleted = await item.delete();
        ctx.tablegraph.loader.clear(item);
        return deleted;
      }) as never,
    }),
  }));
}
