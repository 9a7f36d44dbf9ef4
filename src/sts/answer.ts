import { describeBody as describeHttpBody } from '../sources/http.js';

/**
 * Is this what STS answers? STS speaks the AWS query protocol: a 2xx answer is one XML document
 * `<{Action}Response>…</{Action}Response>`, a refusal (4xx) an `<ErrorResponse>` with
 * `<Error><Code>`. Anything else — an HTML page from a captive portal or a web server on the
 * wrong port, an empty or cut-off body, random bytes, a redirect — came from something that is
 * not STS, and is reported as such (exit 5, naming the endpoint and the HTTP status), never as an
 * STS refusal and never handed to the SDK, whose parser would call it a "Deserialization error".
 * A 5xx is STS (or what stands in front of it) failing: also exit 5 once the retry has failed.
 */
export type StsAnswerVerdict =
  | { kind: 'sts' }
  | { kind: 'not-sts'; description: string }
  | { kind: 'failing'; description: string };

const RESPONSE_DOCUMENT = /^\s*(?:<\?xml[^>]*\?>\s*)?<(\w+Response)\b[^>]*>[\s\S]*<\/\1>\s*$/;
const ERROR_DOCUMENT = /<Error>[\s\S]*<Code>\s*[^<\s][^<]*<\/Code>[\s\S]*<\/Error>/;

export function judgeStsAnswer(status: number, body: string, location?: string): StsAnswerVerdict {
  const http = `HTTP ${status}`;
  if (status >= 500) {
    const code = ERROR_DOCUMENT.test(body) ? /<Code>\s*([^<\s]+)/.exec(body)?.[1] : undefined;
    return { kind: 'failing', description: code ? `${http} ${code}` : http };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'not-sts', description: `${http}, a redirect${location ? ` to ${redirectTarget(location)}` : ''}` };
  }
  if (status >= 200 && status < 300) {
    return RESPONSE_DOCUMENT.test(body) ? { kind: 'sts' } : { kind: 'not-sts', description: `${http} with ${describeBody(body)}` };
  }
  if (status >= 400 && status < 500) {
    return ERROR_DOCUMENT.test(body) ? { kind: 'sts' } : { kind: 'not-sts', description: `${http} with ${describeBody(body)}` };
  }
  return { kind: 'not-sts', description: http };
}

/** What came instead of STS's XML, in a few words (never the body itself: it may echo a secret). */
export function describeBody(body: string): string {
  const kind = describeHttpBody(body);
  if (kind === 'XML') return 'an XML answer that is cut off or not from STS';
  if (kind === 'JSON') return 'JSON instead of XML';
  if (kind === 'text') return 'something that is not XML';
  return kind;
}

/** Only where it points (scheme and host): a redirect URL may carry a query worth keeping private. */
function redirectTarget(location: string): string {
  try {
    const url = new URL(location);
    return url.origin;
  } catch {
    return 'an unreadable location';
  }
}
