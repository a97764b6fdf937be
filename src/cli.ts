import { parseArgs } from 'node:util';
import { printSchema } from 'graphql';
import {
  type AppConfig,
  type ConfigOverrides,
  configFromEnv,
  ensureTable,
  indexNames,
  loadModels,
  openEngine,
  StartupError,
  startApp,
} from './app.js';
import { buildSchema } from './schema/index.js';

export const USAGE = `Usage: tablegraph <command> --models <file> [options]

Commands:
  schema        print the GraphQL schema (SDL) of the models
  create-table  create the table and every GSI the models declare, on the configured engine
  serve         serve the GraphQL API and GraphiQL (an http server on --port)

The models file exports createModels(backend), returning the model classes (and may export
seed(models), run when serve creates the table). Under plain node it must be JavaScript.

Options:
  --models <file>    the models module (env TABLEGRAPH_MODELS)
  --table <name>     table name (env TABLE_NAME, default tablegraph)
  --endpoint <url>   a DynamoDB-compatible endpoint such as DynamoDB Local (env DYNAMODB_ENDPOINT)
  --region <region>  AWS region (env AWS_REGION)
  --aws              real DynamoDB with the standard credentials chain (env TABLEGRAPH_ENGINE=aws)
  --memory           serve: in-memory engine, nothing kept (env TABLEGRAPH_MEMORY=1)
  --data-dir <dir>   serve: embedded dynalite's folder (env TABLEGRAPH_DATA_DIR, default .data/dynalite)
  --port <n>         serve: port (env PORT, default 4000)
  --host <host>      serve: interface (env HOST, default 127.0.0.1; 0.0.0.0 in a container)
  -h, --help         this text

Without --endpoint, --aws or --memory, create-table uses AWS and serve embeds dynalite (when the
dynalite package is installed). TABLEGRAPH_CURSOR_SECRET signs cursors on every engine.
Callers: TABLEGRAPH_JWT_SECRET (HS256) or TABLEGRAPH_JWKS_URL verify bearer tokens (optional
TABLEGRAPH_JWT_ISSUER, TABLEGRAPH_JWT_AUDIENCE); without them, serve signs development tokens for the
models module's devCallers. NODE_ENV=production turns GraphiQL and introspection off and requires a
cursor secret (and a token verifier when the models have auth rules).`;

const COMMANDS = ['schema', 'create-table', 'serve'] as const;
type Command = (typeof COMMANDS)[number];

/** Bad usage: one line, exit code 2. */
export class UsageError extends Error {}

export interface CliIO {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

const defaultIO: CliIO = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function parse(argv: readonly string[], defaults: { models?: string }, env: NodeJS.ProcessEnv) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own wording, first sentence: "Unknown option '--x'", "Option '--models <value>' argument missing".
    throw new UsageError((error as Error).message.split(/\.\s|\n/)[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true as const };
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError(`Missing command: one of ${COMMANDS.join(', ')}`);
  if (!COMMANDS.includes(command as Command))
    throw new UsageError(`Unknown command "${command}": one of ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  const engines = [
    values.endpoint && '--endpoint',
    values.aws && '--aws',
    values.memory && '--memory',
  ].filter(Boolean);
  if (engines.length > 1) throw new UsageError(`Pass one of ${engines.join(', ')}, not several`);
  if (values.memory && command === 'create-table')
    throw new UsageError('create-table needs a real engine: --endpoint <url> or --aws');
  const models = values.models ?? env.TABLEGRAPH_MODELS ?? defaults.models;
  if (!models)
    throw new UsageError('Missing --models <file> (a module exporting createModels(backend))');
  const endpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
  const overrides: ConfigOverrides = {
    modelsModule: models,
    tableName: values.table,
    endpoint: values.endpoint,
    region: values.region,
    dataDir: values['data-dir'],
    host: values.host,
    port: values.port,
    memory: values.memory,
    engine: values.aws ? 'aws' : command === 'create-table' && !endpoint ? 'aws' : undefined,
  };
  // A bad value (PORT=x, --port x) is a StartupError: one line, exit code 1.
  return {
    help: false as const,
    command: command as Command,
    config: configFromEnv(env, overrides),
  };
}

const OPTIONS = {
  models: { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  aws: { type: 'boolean' },
  memory: { type: 'boolean' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Runs one command. Resolves to the exit code, except `serve`, which resolves once listening and
 * keeps the process alive until SIGINT/SIGTERM (then exits 0 after closing the engine).
 */
export async function runCli(
  argv: readonly string[],
  options: { defaultModels?: string; io?: CliIO } = {},
): Promise<number> {
  const io = options.io ?? defaultIO;
  try {
    const parsed = parse(argv, { models: options.defaultModels }, io.env);
    if (parsed.help) {
      io.out(USAGE);
      return 0;
    }
    const { command, config } = parsed;
    if (command === 'serve') return await serve(config, io);
    const engine = await openEngine(
      command === 'schema' ? { ...config, engine: 'memory' } : config,
    );
    try {
      const { models, auth } = await loadModels(config.modelsModule, engine.backend);
      if (command === 'schema') {
        io.out(printSchema(buildSchema({ models, auth })));
        return 0;
      }
      const indexes = indexNames(models);
      const created = await ensureTable(engine, models, {
        create: true,
        tableName: config.tableName,
      });
      io.out(
        created
          ? `tablegraph: created table ${config.tableName} in ${engine.description}${indexes.length ? ` with indexes ${indexes.join(', ')}` : ''}`
          : `tablegraph: table ${config.tableName} already exists in ${engine.description}; nothing changed`,
      );
      return 0;
    } finally {
      await engine.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tablegraph: ${error.message} (tablegraph --help)`);
      return 2;
    }
    if (error instanceof StartupError) {
      io.err(`tablegraph: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function serve(config: AppConfig, io: CliIO): Promise<number> {
  const app = await startApp(config);
  const tokens = Object.entries(app.devTokens);
  if (tokens.length > 0) {
    io.out(
      `tablegraph: development identity: JWTs signed with the public development secret (never for production); GraphiQL opens as ${tokens[0]![0]} (edit its Authorization header to act as another, remove it to be anonymous):`,
    );
    for (const [name, token] of tokens) io.out(`  ${name}: Authorization: Bearer ${token}`);
  }
  io.out(
    `tablegraph: GraphiQL at ${app.url} (engine: ${app.engine}${app.seeded ? '; seed data loaded' : ''})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.out(`tablegraph: ${signal}, finishing in-flight requests and closing the store`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        io.err(`tablegraph: shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return 0;
}
