export interface Recorded {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** A fetch that records each request and answers from `respond` (default: 200 `{}`). */
export function recordingFetch(respond: (request: Request) => Response | Promise<Response> = () => Response.json({})) {
  const calls: Recorded[] = [];
  const fetch = async (request: Request) => {
    const text = await request.clone().text();
    calls.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    });
    return respond(request);
  };
  return { fetch, calls, last: () => calls[calls.length - 1] as Recorded };
}
