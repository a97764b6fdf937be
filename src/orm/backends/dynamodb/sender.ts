// Sends SDK commands with their middleware handler resolved once per command class.
//
// On every `client.send` the SDK concatenates the client's and the command's middleware stacks,
// sorts them and builds the handler chain: about a sixth of the CPU of a canned GetItem. The SDK's
// own remedy (`cacheMiddleware: true`) is refused by the document client (`backend.client`, which
// users and tests extend with middleware), so the backend keeps its own cache, per client, and
// drops it whenever the client's middleware stack changes: middleware added after the first request
// still applies to the next one. A resolved handler shares its context object across calls, as the
// SDK's cache does; nothing the backend reads comes from it (attempts.ts keys calls by input).

type Handler = (command: object) => Promise<{ output: unknown }>;

interface StackLike {
  add(...args: unknown[]): unknown;
  addRelativeTo(...args: unknown[]): unknown;
  remove(...args: unknown[]): unknown;
  removeByTag(...args: unknown[]): unknown;
}

interface ClientLike {
  readonly middlewareStack: object;
  readonly config: object;
}

interface CommandLike {
  resolveMiddleware(stack: object, config: object, options: undefined): Handler;
}

/** A change counter per middleware stack, bumped by every method that changes the stack. */
const versions = new WeakMap<object, { value: number }>();

function versionOf(stack: object): { value: number } {
  const known = versions.get(stack);
  if (known) return known;
  const counter = { value: 0 };
  const s = stack as StackLike & Record<string, (...args: unknown[]) => unknown>;
  // `use` and `applyToStack` reach the stack through `add` / `addRelativeTo`.
  for (const method of ['add', 'addRelativeTo', 'remove', 'removeByTag'] as const) {
    const original = s[method]!;
    s[method] = (...args: unknown[]) => {
      counter.value++;
      return original(...args);
    };
  }
  versions.set(stack, counter);
  return counter;
}

export class HandlerCache {
  private readonly handlers = new Map<object, Handler>();
  private readonly version: { value: number };
  private seen: number;

  constructor(private readonly client: ClientLike) {
    this.version = versionOf(client.middlewareStack);
    this.seen = this.version.value;
  }

  /** Sends one command (a low-level client command); resolves to its output. */
  async send<O>(command: object): Promise<O> {
    if (this.seen !== this.version.value) {
      this.handlers.clear();
      this.seen = this.version.value;
    }
    const type = command.constructor;
    let handler = this.handlers.get(type);
    if (!handler) {
      handler = (command as CommandLike).resolveMiddleware(
        this.client.middlewareStack,
        this.client.config,
        undefined,
      );
      this.handlers.set(type, handler);
    }
    return (await handler(command)).output as O;
  }
}
