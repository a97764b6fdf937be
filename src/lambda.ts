import type { GraphQLSchema } from 'graphql';
import { createServer, type ServerOptions } from './server.js';

/** The API Gateway HTTP API (payload format 2.0) event fields the handler reads (`APIGatewayProxyEventV2` of @types/aws-lambda fits). */
export interface HttpApiEvent {
  readonly version?: string;
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly cookies?: readonly string[];
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly requestContext: {
    readonly domainName?: string;
    readonly http: {
      readonly method: string;
      readonly path?: string;
      readonly sourceIp?: string;
      readonly [field: string]: unknown;
    };
    readonly [field: string]: unknown;
  };
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** What API Gateway takes back (payload format 2.0). */
export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

export interface LambdaHandlerOptions extends Partial<Omit<ServerOptions, 'schema'>> {
  /** The schema to serve (`buildSchema({ models })`). */
  readonly schema: GraphQLSchema;
}

/** A Lambda handler: the event, and Lambda's own context object (passed into the GraphQL context as `lambdaContext`). */
export type HttpApiHandler = (
  event: HttpApiEvent,
  lambdaContext?: unknown,
) => Promise<HttpApiResult>;

const TEXT = /^(text\/|application\/(json|graphql-response\+json|javascript|xml)|image\/svg)/;

/**
 * An AWS Lambda handler for API Gateway HTTP API events, serving the schema through Yoga's fetch
 * API (the same server `createServer` makes: GraphiQL on GET, masked unexpected errors). Build it
 * once, outside the handler call, so warm invocations reuse the schema and the DynamoDB client:
 * `export const handler = createLambdaHandler({ schema: buildSchema({ models }) })`.
 */
export function createLambdaHandler(options: LambdaHandlerOptions): HttpApiHandler {
  const yoga = createServer({ logging: true, ...options });
  return async (event, lambdaContext) => {
    const host = event.headers?.host ?? event.requestContext.domainName ?? 'lambda';
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const headers = new Headers();
    for (const [name, value] of Object.entries(event.headers ?? {}))
      if (value !== undefined) headers.set(name, value);
    if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
    // A Lambda invocation answers once: a subscription's event stream could only run until the
    // timeout, so it is refused up front (serve subscriptions from `createServer` on a long-lived host).
    if (/text\/event-stream/i.test(headers.get('accept') ?? ''))
      return {
        statusCode: 400,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          errors: [
            {
              message:
                'Subscriptions (text/event-stream) are not served by a Lambda handler, which answers once; use a long-lived server (createServer) for them',
              extensions: { code: 'SUBSCRIPTIONS_UNSUPPORTED' },
            },
          ],
        }),
        isBase64Encoded: false,
      };
    const method = event.requestContext.http.method.toUpperCase();
    const body =
      event.body == null || method === 'GET' || method === 'HEAD'
        ? undefined
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64')
          : event.body;
    const response = await yoga.fetch(
      new Request(`https://${host}${event.rawPath}${query}`, { method, headers, body }),
      { event, lambdaContext },
    );
    const out: Record<string, string> = {};
    // Names lowercased, as HTTP/2 and API Gateway have them (Yoga's Headers keep the case set).
    response.headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (lower !== 'set-cookie') out[lower] = value;
    });
    const cookies = response.headers.getSetCookie();
    const type = response.headers.get('content-type') ?? '';
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = type === '' || TEXT.test(type);
    return {
      statusCode: response.status,
      headers: out,
      ...(cookies.length ? { cookies } : {}),
      body: text ? bytes.toString('utf8') : bytes.toString('base64'),
      isBase64Encoded: !text,
    };
  };
}
