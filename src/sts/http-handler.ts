import { httpCall, HttpFailure } from '../sources/http.js';
import { judgeStsAnswer } from './answer.js';
import { StsUnreachable } from './types.js';

/**
 * The HTTP layer the STS client sends through, in place of the SDK's NodeHttpHandler: one attempt
 * is one httpCall, whose single deadline covers connecting, the headers and the whole body (the
 * SDK's requestTimeout stops counting once the headers are in, so a server that stalls after
 * them held awsrole — and the hop's cache lock — for ever). The answer is read in full and judged
 * before the SDK parses it: what is not STS's XML never reaches the SDK's parser.
 *
 * The shapes below are the parts of the SDK's HttpRequest / HttpResponse this uses; the SDK
 * checks a response by shape (a numeric statusCode and a headers object) and takes a byte array
 * as its body.
 */
interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string | null> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export class DeadlineHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(private readonly timeoutMs: number) {}

  async handle(request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }> {
    let answer;
    try {
      answer = await httpCall(requestUrl(request), {
        method: request.method,
        headers: request.headers,
        body: requestBody(request.body),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      if (error instanceof HttpFailure) throw new StsUnreachable(error.message, 'no-answer');
      throw error;
    }
    const location = answer.headers.location;
    const verdict = judgeStsAnswer(answer.status, answer.body, typeof location === 'string' ? location : undefined);
    if (verdict.kind !== 'sts') throw new StsUnreachable(verdict.description, verdict.kind);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { response: { statusCode: answer.status, headers, body: Buffer.from(answer.body, 'utf8') } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

function requestUrl(request: SdkHttpRequest): URL {
  // The SDK gives an IPv6 host without its brackets.
  const host = request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname;
  const url = new URL(`${request.protocol}//${host}${request.port ? `:${request.port}` : ''}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item ?? '');
  }
  return url;
}

function requestBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new Error(`an STS request body of type ${typeof body} cannot be sent`);
}
