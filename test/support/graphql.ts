// GraphQL clients as real users drive the server: fetch over HTTP, graphql-ws over WebSocket.
import WebSocket from 'ws';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';

export interface GraphqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown> & { code?: string };
}

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: GraphqlError[];
}

export class GraphqlClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  withToken(token: string | undefined): GraphqlClient {
    return new GraphqlClient(this.url, token);
  }

  async request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphqlResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphqlError[] };
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  }

  /** The data of a request that must succeed; throws with the errors otherwise. */
  async data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors ?? result)}`);
    return result.data;
  }

  /** The first error of a request that must fail. */
  async error(query: string, variables?: Record<string, unknown>): Promise<GraphqlError> {
    const result = await this.request(query, variables);
    if (!result.errors?.length) throw new Error(`Expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0];
  }

  ws(options: Partial<ClientOptions> = {}): Client {
    return createClient({
      url: this.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 0,
      lazy: true,
      ...options,
    });
  }
}

/** Collects `count` results of a subscription, then completes it. */
export function take<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown>, count: number): Promise<Array<{ data?: T | null; errors?: readonly GraphqlError[] }>> {
  return new Promise((resolve, reject) => {
    const results: Array<{ data?: T | null; errors?: readonly GraphqlError[] }> = [];
    const unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          results.push(value as { data?: T | null; errors?: readonly GraphqlError[] });
          if (results.length >= count) {
            unsubscribe();
            resolve(results);
          }
        },
        error: (error) => (results.length ? resolve(results) : reject(error)),
        complete: () => resolve(results),
      },
    );
  });
}
