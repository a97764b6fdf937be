import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import dynalite from 'dynalite';
import { createModels, type DemoModels, seed } from './demo/models.js';
import {
  type AnyModelClass,
  type Backend,
  DynamoDBBackend,
  InMemoryBackend,
  isOrmError,
} from './orm/index.js';
import { buildSchema } from './schema/index.js';
import { createServer } from './server.js';

/** Where `npm start` keeps its data and which engine it talks to; read from the environment by main.ts. */
export interface AppConfig {
  /** @default 4000 */
  readonly port: number;
  /** @default '127.0.0.1'; '0.0.0.0' to listen on every interface */
  readonly host: string;
  /** @default 'tablegraph' */
  readonly tableName: string;
  /** 'dynalite' (embedded, on disk), 'memory' (embedded, nothing kept), 'endpoint' (DynamoDB Local or another), 'aws'. */
  readonly engine: 'dynalite' | 'memory' | 'endpoint' | 'aws';
  /** Folder of the embedded dynalite store. @default '.data/dynalite' */
  readonly dataDir: string;
  readonly endpoint?: string;
  readonly region?: string;
  /** A module exporting `createModels(backend)`; the demo models when absent. */
  readonly modelsModule?: string;
  /** Signs cursors; set one secret for every server that must accept the others' cursors. */
  readonly cursorSecret?: string;
}

/** A clear, single-line startup failure (bad configuration, unreachable engine). */
export class StartupError extends Error {}

export function configFromEnv(env: NodeJS.ProcessEnv, argv: readonly string[]): AppConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new StartupError(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
  const memory = argv.includes('--memory') || env.TABLEGRAPH_MEMORY === '1';
  const engine = env.DYNAMODB_ENDPOINT
    ? 'endpoint'
    : env.TABLEGRAPH_ENGINE === 'aws'
      ? 'aws'
      : memory
        ? 'memory'
        : 'dynalite';
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    tableName: env.TABLE_NAME ?? 'tablegraph',
    engine,
    dataDir: env.TABLEGRAPH_DATA_DIR ?? '.data/dynalite',
    endpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION,
    modelsModule: env.TABLEGRAPH_MODELS,
    cursorSecret: env.TABLEGRAPH_CURSOR_SECRET,
  };
}

export interface RunningApp {
  readonly url: string;
  readonly engine: string;
  readonly seeded: boolean;
  readonly http: Server;
  close(): Promise<void>;
}

async function loadModels(
  config: AppConfig,
  backend: Backend,
): Promise<{ models: readonly AnyModelClass[]; demo: boolean }> {
  if (!config.modelsModule) return { models: createModels(backend), demo: true };
  const path = isAbsolute(config.modelsModule) ? config.modelsModule : resolve(config.modelsModule);
  let mod: { createModels?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { createModels?: unknown };
  } catch (error) {
    throw new StartupError(
      `Cannot load TABLEGRAPH_MODELS=${config.modelsModule}: ${(error as Error).message}`,
    );
  }
  if (typeof mod.createModels !== 'function')
    throw new StartupError(
      `TABLEGRAPH_MODELS=${config.modelsModule} must export createModels(backend) returning an array of models`,
    );
  const models = (mod.createModels as (b: Backend) => unknown)(backend);
  if (!Array.isArray(models) || models.length === 0)
    throw new StartupError(
      `createModels(backend) in ${config.modelsModule} must return a non-empty array of models`,
    );
  return { models: models as AnyModelClass[], demo: false };
}

/** Starts the engine, makes sure the table exists, loads the demo data once, and serves GraphiQL. */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    let backend: Backend;
    let engine: string;
    if (config.engine === 'memory') {
      backend = new InMemoryBackend({ cursorSecret: config.cursorSecret });
      engine = 'in-memory (nothing is kept)';
    } else {
      let endpoint = config.endpoint;
      if (config.engine === 'dynalite') {
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
        engine = `embedded dynalite (data in ${config.dataDir})`;
      } else
        engine =
          config.engine === 'aws'
            ? `AWS DynamoDB (${config.region ?? 'default region'})`
            : `DynamoDB at ${endpoint}`;
      const dynamo = new DynamoDBBackend({
        tableName: config.tableName,
        endpoint,
        region: config.region,
      });
      closers.push(() => dynamo.close());
      backend = dynamo;
    }
    const { models, demo } = await loadModels(config, backend);
    let seeded = false;
    if (backend instanceof DynamoDBBackend) {
      let status: string | null;
      try {
        status = await backend.tableStatus();
      } catch (error) {
        throw new StartupError(`Cannot reach ${engine}: ${(error as Error).message}`);
      }
      if (status === null && config.engine === 'aws')
        throw new StartupError(
          `Table ${config.tableName} does not exist in ${engine}; create it (backend.createTable(models)) or set TABLE_NAME`,
        );
      if (status === null) await backend.createTable(models);
    }
    if (demo) {
      const [User] = models as DemoModels;
      if (!(await User.where().exists())) {
        await seed(models as DemoModels);
        seeded = true;
      }
    }
    const yoga = createServer({
      schema: buildSchema({ models }),
      defaultQuery: demo ? DEMO_QUERY : undefined,
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
    return { url: `http://${shown}:${port}/graphql`, engine, seeded, http, close: closeAll };
  } catch (error) {
    await closeAll();
    if (error instanceof StartupError) throw error;
    if (isOrmError(error)) throw new StartupError(error.message);
    throw error;
  }
}

export const DEMO_QUERY = `# tablegraph demo: users, their todo items and orders, in one DynamoDB table.
query Demo {
  user(id: "alice") {
    name
    email
    todos(first: 5) { edges { node { todoId title completed } } }
    orders(first: 5) { edges { node { orderId total status product { name } } } }
  }
  usersByTenantIndex(tenantId: "acme") { edges { node { id name } } }
}
`;
