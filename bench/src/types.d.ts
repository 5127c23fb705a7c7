// Types for editors only (the bench is plain .mjs, no build step).
export interface ScenarioContext {
  /** The NovumDesk instance returned by createHelpdesk. */
  hd: unknown;
  /** NovumDesk's base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  database: { mode: 'postgres' | 'embedded'; url: string | null };
}

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | object;
}

export interface Scenario {
  name: string;
  description?: string;
  scale?: boolean;
  seeds?: string[];
  /** '/plain' (tiny JSON), '/db' (one SELECT) or POST '/write' (INSERT … RETURNING + SELECT). */
  baseline: { path: '/plain' | '/db' | '/write' | string; method?: 'GET' | 'POST' };
  novumdesk: RequestSpec & {
    setup?(
      ctx: ScenarioContext,
    ): Promise<Partial<RequestSpec> | void> | Partial<RequestSpec> | void;
  };
}
