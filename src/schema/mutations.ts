import type { GraphQLResolveInfo } from 'graphql';
import { type CompiledModel, ConflictError, type ModelBase, NotFoundError } from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { loaderFor } from './context.js';
import { dynamic, fieldMap } from './dynamic.js';
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

const keyText = (key: Values) =>
  Object.fromEntries(
    Object.entries(key).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
  );

/**
 * create / update / delete mutations of one model. Update is partial (omitted fields stay) and
 * takes `expectedVersion` on versioned models; mutations prime or clear the request's loader.
 * Failures are ORM errors (NotFoundError, ConflictError, ...), mapped to codes in errors.ts.
 */
export function addMutations(builder: TablegraphBuilder, g: GeneratedModel): void {
  const { cls, model, names, ref, enums, tableKey, naming } = g;
  const keyNames = new Set(tableKey.map((k) => k.name));
  const inputType = (name: string, partial: boolean) =>
    builder.inputType(name, {
      fields: (t) => {
        const f = dynamic(t);
        const out: Record<string, unknown> = {};
        for (const [field, def] of model.fields) {
          if (!visible(def) || managedField(model, field) || (partial && keyNames.has(field)))
            continue;
          const scalar = scalarOf(def, enums.get(field) ?? null);
          const list = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
          out[naming.toGraphQL(field)] = f.field({
            type: list ? [scalar] : scalar,
            required: !partial && !def.options.optional && def.options.default === undefined,
            description: def.options.description,
          });
        }
        if (partial && model.config.version)
          out.expectedVersion = f.field({
            type: 'Int',
            description: 'Fail with CONFLICT unless the stored version is this one.',
          });
        return fieldMap(out);
      },
    });
  const createInput = inputType(`Create${names.type}Input`, false);
  const updateInput = inputType(`Update${names.type}Input`, true);
  const Model = cls as unknown as {
    create: (d: object) => Promise<ModelBase>;
    get: (k: object) => Promise<ModelBase | null>;
  };

  builder.mutationFields((t) => {
    const f = dynamic(t);
    return fieldMap({
      [`create${names.type}`]: f.field({
        type: ref,
        description: `Creates a ${names.type}; ALREADY_EXISTS when its key is taken.`,
        args: { input: f.arg({ type: createInput, required: true }) },
        resolve: guard(
          async (
            _root: unknown,
            args: { input: Values },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const item = await Model.create(given(g, args.input));
            loaderFor(ctx, info).prime(item);
            return item;
          },
        ),
      }),
      [`update${names.type}`]: f.field({
        type: ref,
        description: `Changes the given fields of a ${names.type} (others stay); NOT_FOUND, or CONFLICT on a stale version.`,
        args: { ...keyArgs(f, g, tableKey), input: f.arg({ type: updateInput, required: true }) },
        resolve: guard(
          async (
            _root: unknown,
            args: Values & { input: Values },
            ctx: unknown,
            info: GraphQLResolveInfo,
          ) => {
            const { input, ...keyArgValues } = args;
            const key = given(g, keyArgValues);
            const item = await Model.get(key);
            if (!item) throw new NotFoundError(model.entity, keyText(key));
            const { expectedVersion, ...changes } = given(g, input);
            const version = (item as unknown as Values).version;
            if (expectedVersion != null && version !== expectedVersion)
              throw new ConflictError(
                `${names.type} is at version ${version}, not ${expectedVersion}`,
                item,
              );
            Object.assign(item, changes);
            await item.save();
            loaderFor(ctx, info).prime(item);
            return item;
          },
        ),
      }),
      [`delete${names.type}`]: f.field({
        type: 'Boolean',
        description: `Deletes a ${names.type}: true if it existed.`,
        args: keyArgs(f, g, tableKey),
        resolve: guard(
          async (_root: unknown, args: Values, ctx: unknown, info: GraphQLResolveInfo) => {
            const item = await Model.get(given(g, args));
            if (!item) return false;
            const deleted = await item.delete();
            loaderFor(ctx, info).clear(item);
            return deleted;
          },
        ),
      }),
    });
  });
}
