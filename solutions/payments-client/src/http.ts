/**
 * The HTTP boundary of the client. The client never opens sockets itself: it hands every
 * request to a `HttpTransport`, so an application can plug in its own HTTP stack and tests a
 * fake one.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, query string included. */
  url: string;
  headers: Record<string, string>;
  /** Form-encoded body of a POST; `null` otherwise. */
  body: string | null;
  /** Give up waiting for a response after this many milliseconds. */
  timeout: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in any case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one request and resolves with the response, whatever its status. Rejects only when no
 * response arrived: the connection failed, was reset, or the timeout passed. After such a
 * rejection the request may or may not have reached the API.
 */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** The value of a response header, looked up without regard to case. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Encodes parameters the way the API reads them: `application/x-www-form-urlencoded`, nested
 * objects as `metadata[order_id]=42`, arrays by index as `expand[0]=customer`. `undefined`
 * values are left out; `null` sends an empty value, which clears a field on update.
 */
export function encodeParams(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null) {
      pairs.push(`${encodeURIComponent(prefix)}=`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(`${prefix}[${index}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) visit(`${prefix}[${key}]`, inner);
    } else {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
    }
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return pairs.join('&');
}
