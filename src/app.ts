import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jwtIdentity, signToken } from './identity.js';
import {
  type AnyModelClass,
  type Backend,
  DynamoDBBackend,
  InMemoryBackend,
  isOrmError,
  modelOf,
} from './orm/index.js';
import { type AuthOptions, buildSchema, type Caller } from './schema/index.js';
import { createServer } from './server.js';

/** The secret `npm start` signs development tokens with (never for production: it is public). */
export const DEVELOPMENT_JWT_SECRET = 'tablegraph-development-jwt-secret';

/** Which engine and models a served API uses; read from flags and the environment (cli.ts). */
export interface AppConfig {
  /** @default 4000 */
  readonly port: number;
  /** @default '127.0.0.1'; '0.0.0.0' to listen on every interface (containers) */
  readonly host: string;
  /** @default 'tablegraph' */
  readonly tableName: string;
  /** 'dynalite' (embedded, on disk; needs the dynalite package), 'memory', 'endpoint' (DynamoDB Local or another), 'aws'. */
  readonly engine: 'dynalite' | 'memory' | 'endpoint' | 'aws';
  /** Folder of the embedded dynalite store. @default '.data/dynalite' */
  readonly dataDir: string;
  readonly endpoint?: string;
  readonly region?: string;
  /** A module exporting `createModels(backend)` (and optionally `seed(models)`). */
  readonly modelsModule: string;
  /** Signs cursors, on every engine; set one secret for every server that must accept the others' cursors. */
  readonly cursorSecret?: string;
  /** NODE_ENV=production: GraphiQL and introspection off, a cursor secret and verified callers required. */
  readonly production?: boolean;
  /** Verifies bearer tokens signed with this secret (HS256). */
  readonly jwtSecret?: string;
  /** Verifies bearer tokens against this JSON Web Key Set (Cognito, Auth0, ...). */
  readonly jwksUrl?: string;
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string;
}

/** A clear, single-line failure (bad configuration, unreachable engine, bad models module). */
export class StartupError extends Error {}

/** The shape of a models module (`--models` / `TABLEGRAPH_MODELS`). */
export interface ModelsModule {
  /** Defines the model classes on the backend the command configured, and returns them. */
  createModels(backend: Backend): readonly AnyModelClass[];
  /** Optional: loads data into a table that was just created (and into the memory engine). */
  seed?(models: readonly AnyModelClass[]): Promise<void> | void;
  /** Optional: who may read and write what (`rules(Model, {...})` per model; README "Authorization"). */
  authRules?(models: readonly AnyModelClass[]): AuthOptions['rules'];
  /** Optional: callers to act as in development; `serve` prints a signed token for each. */
  devCallers?: Readonly<Record<string, Caller>>;
}

/** Command-line flags; each beats its environment variable. */
export type ConfigOverrides = Omit<Partial<AppConfig>, 'port'> & {
  readonly port?: number | string;
  readonly memory?: boolean;
};

/** The engine an app or command talks to, from the environment; `overrides` are command-line flags. */
export function configFromEnv(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): AppConfig {
  const rawPort = overrides.port ?? env.PORT ?? 4000;
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new StartupError(`PORT must be a port number, got ${JSON.stringify(rawPort)}`);
  const endpoint = overrides.endpoint ?? env.DYNAMODB_ENDPOINT;
  const memory = overrides.memory || env.TABLEGRAPH_MEMORY === '1';
  const engine =
    overrides.engine ??
    (endpoint
      ? 'endpoint'
      : env.TABLEGRAPH_ENGINE === 'aws'
        ? 'aws'
        : memory
          ? 'memory'
          : 'dynalite');
  const modelsModule = overrides.modelsModule ?? env.TABLEGRAPH_MODELS;
  if (!modelsModule)
    throw new StartupError('No models: pass --models <file> (or set TABLEGRAPH_MODELS)');
  return {
    port,
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    tableName: overrides.tableName ?? env.TABLE_NAME ?? 'tablegraph',
    engine,
    dataDir: overrides.dataDir ?? env.TABLEGRAPH_DATA_DIR ?? '.data/dynalite',
    endpoint,
    region: overrides.region ?? env.AWS_REGION,
    modelsModule,
    cursorSecret: overrides.cursorSecret ?? env.TABLEGRAPH_CURSOR_SECRET,
    production: env.NODE_ENV === 'production',
    jwtSecret: env.TABLEGRAPH_JWT_SECRET,
    jwksUrl: env.TABLEGRAPH_JWKS_URL,
    jwtIssuer: env.TABLEGRAPH_JWT_ISSUER,
    jwtAudience: env.TABLEGRAPH_JWT_AUDIENCE,
  };
}

/** Imports a models module and runs its `createModels(backend)`. */
export async function loadModels(
  file: string,
  backend: Backend,
): Promise<{
  models: readonly AnyModelClass[];
  seed?: ModelsModule['seed'];
  auth?: AuthOptions;
  devCallers?: ModelsModule['devCallers'];
}> {
  const path = isAbsolute(file) ? file : resolve(file);
  let mod: Partial<ModelsModule>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Partial<ModelsModule>;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const hint =
      e.code === 'ERR_UNKNOWN_FILE_EXTENSION' && ['.ts', '.mts', '.tsx'].includes(extname(path))
        ? ': Node cannot import TypeScript here; compile it (tsc) and pass the .js file, or run under tsx'
        : `: ${(e.message ?? String(e)).split('\n')[0]}`;
    throw new StartupError(`Cannot load models from ${file}${hint}`);
  }
  if (typeof mod.createModels !== 'function')
    throw new StartupError(
      `${file} must export createModels(backend), returning an array of model classes`,
    );
  const models = mod.createModels(backend) as unknown;
  if (!Array.isArray(models) || models.length === 0)
    throw new StartupError(
      `createModels(backend) in ${file} must return a non-empty array of models`,
    );
  for (const m of models as AnyModelClass[]) {
    try {
      modelOf(m);
    } catch (error) {
      throw new StartupError(
        `createModels(backend) in ${file} returned a non-model: ${(error as Error).message}`,
      );
    }
  }
  let auth: AuthOptions | undefined;
  if (typeof mod.authRules === 'function') {
    try {
      auth = { rules: mod.authRules(models as AnyModelClass[]) };
      buildSchema({ models: models as AnyModelClass[], auth });
    } catch (error) {
      throw new StartupError(`authRules(models) in ${file}: ${(error as Error).message}`);
    }
  }
  return {
    models: models as AnyModelClass[],
    seed: typeof mod.seed === 'function' ? mod.seed : undefined,
    auth,
    devCallers: mod.devCallers,
  };
}

/** A backend on the configured engine, and what closes it (the embedded dynalite, the client). */
export interface OpenEngine {
  readonly backend: Backend;
  /** Shown to the user: "embedded dynalite (data in .data/dynalite)", "DynamoDB at http://...". */
  readonly description: string;
  close(): Promise<void>;
}

async function importDynalite() {
  try {
    return (await import('dynalite')).default;
  } catch {
    throw new StartupError(
      'The embedded engine needs the dynalite package (npm install --save-dev dynalite); or set DYNAMODB_ENDPOINT, TABLEGRAPH_ENGINE=aws, or use --memory',
    );
  }
}

/** Opens the configured engine: starts embedded dynalite when asked; passes the cursor secret to every backend. */
export async function openEngine(config: AppConfig): Promise<OpenEngine> {
  if (config.engine === 'memory')
    return {
      backend: new InMemoryBackend({ cursorSecret: config.cursorSecret }),
      description: 'in-memory (nothing is kept)',
      close: async () => {},
    };
  const closers: (() => Promise<void> | void)[] = [];
  let endpoint = config.endpoint;
  let description: string;
  if (config.engine === 'dynalite') {
    const dynalite = await importDynalite();
    mkdirSync(config.dataDir, { recursive: true });
    const store = dynalite({
      path: config.dataDir,
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
    await new Promise<void>((ok, fail) => {
      store.once('error', fail);
      store.listen(0, '127.0.0.1', () => ok());
    });
    closers.push(() => new Promise<void>((ok) => store.close(() => ok())));
    endpoint = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
    description = `embedded dynalite (data in ${config.dataDir})`;
  } else
    description =
      config.engine === 'aws'
        ? `AWS DynamoDB (${config.region ?? 'default region'})`
        : `DynamoDB at ${endpoint}`;
  const backend = new DynamoDBBackend({
    tableName: config.tableName,
    endpoint: config.engine === 'aws' ? undefined : endpoint,
    region: config.region,
    cursorSecret: config.cursorSecret,
  });
  closers.unshift(() => backend.close());
  return {
    backend,
    description,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}

/**
 * Makes sure the table exists with every GSI the models declare. Returns true when it was created.
 * `create: false` (real AWS for `serve`) refuses a missing table instead of creating it.
 */
export async function ensureTable(
  engine: OpenEngine,
  models: readonly AnyModelClass[],
  options: { create: boolean; tableName: string },
): Promise<boolean> {
  const { backend } = engine;
  if (!(backend instanceof DynamoDBBackend)) return true;
  let status: string | null;
  try {
    status = await backend.tableStatus();
  } catch (error) {
    throw new StartupError(`Cannot reach ${engine.description}: ${(error as Error).message}`);
  }
  if (status !== null) return false;
  if (!options.create)
    throw new StartupError(
      `Table ${options.tableName} does not exist in ${engine.description}; create it (npx tablegraph create-table --models <file>) or set TABLE_NAME`,
    );
  await backend.createTable(models);
  return true;
}

/** The GSIs the models declare, by name. */
export function indexNames(models: readonly AnyModelClass[]): string[] {
  return [...new Set(models.flatMap((m) => [...modelOf(m).indexes.keys()]))].sort();
}

export interface RunningApp {
  readonly url: string;
  readonly engine: string;
  readonly seeded: boolean;
  /** Development tokens per caller of the models module's `devCallers` (none in production). */
  readonly devTokens: Readonly<Record<string, string>>;
  readonly http: Server;
  close(): Promise<void>;
}

/**
 * Who requests are from: bearer tokens verified with the configured secret or key set; else, in
 * development when the models module names `devCallers`, tokens signed with the public development
 * secret (printed at start). Production with rules and no verifier refuses to start.
 */
async function identityOf(
  config: AppConfig,
  auth: AuthOptions | undefined,
  devCallers: ModelsModule['devCallers'],
) {
  if (config.jwtSecret || config.jwksUrl)
    return {
      identify: jwtIdentity({
        ...(config.jwtSecret ? { secret: config.jwtSecret } : { jwksUrl: config.jwksUrl }),
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
      }),
      devTokens: {},
    };
  if (config.production) {
    if (auth)
      throw new StartupError(
        'The models have auth rules: NODE_ENV=production needs TABLEGRAPH_JWT_SECRET or TABLEGRAPH_JWKS_URL to verify callers',
      );
    return { identify: undefined, devTokens: {} };
  }
  if (!devCallers) return { identify: undefined, devTokens: {} };
  const devTokens: Record<string, string> = {};
  for (const [name, claims] of Object.entries(devCallers))
    devTokens[name] = await signToken(DEVELOPMENT_JWT_SECRET, { ...claims });
  return { identify: jwtIdentity({ secret: DEVELOPMENT_JWT_SECRET }), devTokens };
}

/** Opens the engine, makes sure the table exists, seeds a new table, and serves API and GraphiQL. */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    if (config.production && !config.cursorSecret)
      throw new StartupError(
        'NODE_ENV=production needs TABLEGRAPH_CURSOR_SECRET: without it cursors are signed with a public default and can be forged',
      );
    const engine = await openEngine(config);
    closers.push(() => engine.close());
    const { models, seed, auth, devCallers } = await loadModels(
      config.modelsModule,
      engine.backend,
    );
    const { identify, devTokens } = await identityOf(config, auth, devCallers);
    const created = await ensureTable(engine, models, {
      create: config.engine !== 'aws',
      tableName: config.tableName,
    });
    let seeded = false;
    if (created && seed) {
      await seed(models);
      seeded = true;
    }
    const firstToken = Object.values(devTokens)[0];
    const yoga = createServer({
      schema: buildSchema({ models, auth }),
      production: config.production === true,
      ...(identify ? { identify } : {}),
      ...(firstToken ? { graphiqlHeaders: { Authorization: `Bearer ${firstToken}` } } : {}),
    });
    const http = createHttpServer(yoga);
    await new Promise<void>((ok, fail) => {
      http.once('error', (e) =>
        fail(
          new StartupError(
            `Cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`,
          ),
        ),
      );
      http.listen(config.port, config.host, () => ok());
    });
    closers.push(() => new Promise<void>((ok) => http.close(() => ok())));
    const { port } = http.address() as AddressInfo;
    const shown = ['0.0.0.0', '127.0.0.1', '::', '::1'].includes(config.host)
      ? 'localhost'
      : config.host;
    return {
      url: `http://${shown}:${port}/graphql`,
      engine: engine.description,
      seeded,
      devTokens,
      http,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    if (error instanceof StartupError) throw error;
    if (isOrmError(error)) throw new StartupError(error.message);
    throw error;
  }
}
