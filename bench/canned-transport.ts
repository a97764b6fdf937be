import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';

/** One request the transport saw while capturing: the operation and its parsed JSON body. */
export interface CapturedRequest {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

const HEADERS = { 'content-type': 'application/x-amz-json-1.0' };
const EMPTY = Buffer.from('{}');
const RETURNS_ITEM = /"ReturnValues":"(ALL_NEW|ALL_OLD|UPDATED_NEW|UPDATED_OLD)"/;

const text = (body: unknown): string =>
  body instanceof Uint8Array
    ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
    : typeof body === 'string'
      ? body
      : '{}';

/**
 * An SDK request handler that answers from memory with canned DynamoDB JSON, so a benchmark measures
 * only client-side work (marshalling, expression building, the library's own code), never the network.
 *
 * Answers are kept per subject (each library has its own item layout and table name) and per
 * operation, serialised once: a call only wraps the stored bytes in a stream, as a socket would
 * deliver them. `use(subject)` picks whose answers the next requests get; `capture()` records the
 * requests instead (how a library's own stored layout is learnt from its own writes). Put/Update
 * answer `{}` unless the request asks for ReturnValues, as DynamoDB does.
 */
export class CannedTransport {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly answers = new Map<string, Map<string, Buffer>>();
  private current = new Map<string, Buffer>();
  private captured: CapturedRequest[] | null = null;
  /** Requests per operation since the last `resetCounts()`. */
  counts: Record<string, number> = {};

  set(subject: string, target: string, answer: unknown): void {
    const bySubject = this.answers.get(subject) ?? new Map<string, Buffer>();
    this.answers.set(subject, bySubject);
    bySubject.set(target, Buffer.from(JSON.stringify(answer)));
  }

  use(subject: string): void {
    this.current = this.answers.get(subject) ?? new Map();
  }

  /** Records every request until `stopCapture()`; answers `{}` (or the current subject's answer). */
  capture(): void {
    this.captured = [];
  }

  stopCapture(): CapturedRequest[] {
    const out = this.captured ?? [];
    this.captured = null;
    return out;
  }

  resetCounts(): void {
    this.counts = {};
  }

  async handle(request: { headers: Record<string, string>; body?: unknown }) {
    const target = request.headers['x-amz-target']?.split('.')[1] ?? '';
    this.counts[target] = (this.counts[target] ?? 0) + 1;
    if (this.captured) this.captured.push({ target, body: JSON.parse(text(request.body)) });
    let payload = this.current.get(target) ?? EMPTY;
    if (
      (target === 'PutItem' || target === 'UpdateItem' || target === 'DeleteItem') &&
      !RETURNS_ITEM.test(text(request.body))
    )
      payload = EMPTY;
    return {
      response: new HttpResponse({
        statusCode: 200,
        headers: { ...HEADERS, 'content-length': String(payload.length) },
        body: Readable.from([payload]),
      }),
    };
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, unknown> {
    return {};
  }
  destroy(): void {}
}
