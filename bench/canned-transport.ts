import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';

/**
 * An SDK request handler that answers from memory with canned DynamoDB JSON, so a benchmark measures
 * only client-side work (marshalling, expression building, the library's own code), never the network.
 */
export class CannedTransport {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  constructor(private readonly answer: (target: string) => unknown) {}

  async handle(request: { headers: Record<string, string> }) {
    const target = request.headers['x-amz-target']?.split('.')[1] ?? '';
    const payload = JSON.stringify(this.answer(target));
    return {
      response: new HttpResponse({
        statusCode: 200,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(Buffer.byteLength(payload)),
        },
        body: Readable.from([Buffer.from(payload)]),
      }),
    };
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, unknown> {
    return {};
  }
  destroy(): void {}
}
