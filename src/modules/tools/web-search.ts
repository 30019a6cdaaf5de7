// The built-in web_search tool: DuckDuckGo's HTML endpoint by default, a SearXNG instance's JSON
// API when SEARXNG_URL is set. Network trouble is UPSTREAM_FAILED ("out of reach"); a search that
// finds nothing is an empty list. A DuckDuckGo page with neither results nor its "no results"
// markup (a bot check, a redesign) is an error, never passed off as "nothing found".
import { z } from 'zod';
import { isAppError, upstreamFailed } from '../../platform/errors';
import { defineTool, parseToolArguments, type ToolDefinition } from './tool-definition';

export const WEB_SEARCH_RESULTS_MAX = 10;
export const DUCKDUCKGO_HTML_URL = 'https://html.duckduckgo.com/html/';
const DEFAULT_RESULTS = 5;
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
const MAX_TITLE_CHARS = 300;
const MAX_SNIPPET_CHARS = 600;
const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; mcp-agent-hub/0.1; +web_search)';

export interface WebSearchResult {
  title: string;
  url: string;
  snippet: string;
}

export interface WebSearchOptions {
  /** SEARXNG_URL: when set, SearXNG answers instead of DuckDuckGo. */
  searxngUrl?: string | null;
  /** DuckDuckGo's HTML endpoint (tests point it at a local fake). */
  duckDuckGoUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Aborts the search with the run (cancellation), not as a timeout. */
  signal?: AbortSignal;
  userAgent?: string;
}

const timeRanges = ['day', 'week', 'month', 'year'] as const;

const webSearchArgs = z.strictObject({
  query: z.string().trim().min(1).max(500).describe('What to search for.'),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(WEB_SEARCH_RESULTS_MAX)
    .optional()
    .describe(`Most results to return, default ${DEFAULT_RESULTS}.`),
  region: z
    .string()
    .regex(/^[a-zA-Z]{2,3}-[a-zA-Z]{2}$/, 'must be language-COUNTRY, e.g. "en-US" or "de-DE"')
    .optional()
    .describe('Results for this language and country, as language-COUNTRY, e.g. "en-US", "fr-FR". Default: no region.'),
  timeRange: z.enum(timeRanges).optional().describe('Only pages from the past day, week, month or year.'),
});

type WebSearchArgs = z.infer<typeof webSearchArgs>;

export const webSearchTool: ToolDefinition = defineTool(
  'web_search',
  'Search the web. Answers JSON: a list of results, each with title, url and snippet.',
  webSearchArgs,
);

/** Runs web_search for the model: the results as JSON text. */
export async function runWebSearch(rawArgs: unknown, options: WebSearchOptions = {}): Promise<{ text: string; results: WebSearchResult[] }> {
  const results = await webSearch(rawArgs, options);
  const text = JSON.stringify(results.length > 0 ? { results } : { results, note: 'No results for this query.' });
  return { text, results };
}

export async function webSearch(rawArgs: unknown, options: WebSearchOptions = {}): Promise<WebSearchResult[]> {
  const args = parseToolArguments(webSearchArgs, rawArgs);
  const maxResults = args.maxResults ?? DEFAULT_RESULTS;
  const results = options.searxngUrl ? await searchSearxng(args, options.searxngUrl, options) : await searchDuckDuckGo(args, options);
  return results.slice(0, maxResults);
}

async function searchDuckDuckGo(args: WebSearchArgs, options: WebSearchOptions): Promise<WebSearchResult[]> {
  const form = new URLSearchParams({ q: args.query });
  if (args.region) form.set('kl', duckDuckGoRegion(args.region));
  if (args.timeRange) form.set('df', args.timeRange[0]);
  const answer = await request('DuckDuckGo', options.duckDuckGoUrl ?? DUCKDUCKGO_HTML_URL, options, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: form.toString(),
  });
  if (answer.status !== 200) {
    const hint = [202, 403, 429].includes(answer.status) ? ' (it is limiting or checking automated queries; set SEARXNG_URL to use a SearXNG instance)' : '';
    throw upstreamFailed(`web search failed: DuckDuckGo answered HTTP ${answer.status}${hint}`, { engine: 'duckduckgo', status: answer.status });
  }
  const results = parseDuckDuckGoHtml(answer.body);
  if (!results) {
    throw upstreamFailed('web search failed: DuckDuckGo answered a page without search results (probably a bot check); set SEARXNG_URL to use a SearXNG instance', {
      engine: 'duckduckgo',
    });
  }
  return results;
}

const searxngAnswer = z.object({
  results: z.array(z.object({ url: z.string(), title: z.string().nullish(), content: z.string().nullish() }).loose()),
});

async function searchSearxng(args: WebSearchArgs, base: string, options: WebSearchOptions): Promise<WebSearchResult[]> {
  const url = new URL('search', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('q', args.query);
  url.searchParams.set('format', 'json');
  if (args.region) url.searchParams.set('language', args.region);
  if (args.timeRange) url.searchParams.set('time_range', args.timeRange);
  const answer = await request('SearXNG', url.toString(), options, { method: 'GET', headers: { accept: 'application/json' } });
  if (answer.status === 403) {
    throw upstreamFailed('web search failed: SearXNG refused the JSON format (HTTP 403); enable "json" under search.formats in its settings.yml', {
      engine: 'searxng',
      status: 403,
    });
  }
  if (answer.status !== 200) {
    throw upstreamFailed(`web search failed: SearXNG answered HTTP ${answer.status}`, { engine: 'searxng', status: answer.status });
  }
  let parsed: z.infer<typeof searxngAnswer>;
  try {
    parsed = searxngAnswer.parse(JSON.parse(answer.body));
  } catch (error) {
    throw upstreamFailed('web search failed: SearXNG answered something other than its JSON results', { engine: 'searxng' }, error);
  }
  const results: WebSearchResult[] = [];
  for (const item of parsed.results) {
    const url = httpUrl(item.url);
    if (url && !results.some((r) => r.url === url)) {
      results.push({ title: clip(cleanText(item.title ?? '') || url, MAX_TITLE_CHARS), url, snippet: clip(cleanText(item.content ?? ''), MAX_SNIPPET_CHARS) });
    }
  }
  return results;
}

/**
 * Parses DuckDuckGo's HTML results page (`div.result` cards holding `a.result__a` and
 * `.result__snippet`), leaving out ads and unwrapping its `/l/?uddg=` redirect links.
 * Returns null when the page has neither result cards nor the "no results" notice.
 */
export function parseDuckDuckGoHtml(html: string): WebSearchResult[] | null {
  const results: WebSearchResult[] = [];
  let recognized = false;
  let inAd = false;
  let current: WebSearchResult | null = null;
  const startTag = /<([a-zA-Z][a-zA-Z0-9]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  for (let match = startTag.exec(html); match; match = startTag.exec(html)) {
    const tag = match[1].toLowerCase();
    const attributes = parseAttributes(match[2]);
    const classes = (attributes.get('class') ?? '').split(/\s+/);
    if (classes.includes('no-results') || classes.includes('result--no-result')) recognized = true;
    if (tag === 'div' && classes.includes('result')) {
      inAd = classes.includes('result--ad');
      current = null;
    } else if (tag === 'a' && classes.includes('result__a')) {
      recognized = true;
      const { inner, end } = innerHtml(html, 'a', startTag.lastIndex);
      startTag.lastIndex = end;
      const url = unwrapDuckDuckGoLink(attributes.get('href') ?? '');
      current = null;
      if (url && !inAd && !results.some((r) => r.url === url)) {
        current = { title: clip(cleanText(inner) || url, MAX_TITLE_CHARS), url, snippet: '' };
        results.push(current);
      }
    } else if (classes.includes('result__snippet')) {
      const { inner, end } = innerHtml(html, tag, startTag.lastIndex);
      startTag.lastIndex = end;
      if (current && !current.snippet) current.snippet = clip(cleanText(inner), MAX_SNIPPET_CHARS);
    }
  }
  return recognized ? results : null;
}

/** The real destination of a result link, or null for ads, DuckDuckGo's own pages and non-web links. */
function unwrapDuckDuckGoLink(rawHref: string): string | null {
  const href = decodeEntities(rawHref.trim());
  let url: URL;
  try {
    url = new URL(href, 'https://duckduckgo.com/');
  } catch {
    return null;
  }
  if (url.hostname === 'duckduckgo.com' || url.hostname.endsWith('.duckduckgo.com')) {
    const target = url.pathname === '/l/' ? url.searchParams.get('uddg') : null;
    if (!target) return null;
    const unwrapped = httpUrl(target);
    return unwrapped && !isDuckDuckGoAd(unwrapped) ? unwrapped : null;
  }
  return httpUrl(url.toString());
}

const isDuckDuckGoAd = (url: string): boolean => /^https?:\/\/([^/]*\.)?duckduckgo\.com\/y\.js/.test(url) || /[?&]ad_(domain|provider)=/.test(url);

function httpUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const attribute = /([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let match = attribute.exec(source); match; match = attribute.exec(source)) {
    const name = match[1].toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/** The markup between a start tag ending at `from` and its closing tag (or the rest of the page). */
function innerHtml(html: string, tag: string, from: number): { inner: string; end: number } {
  const close = new RegExp(`</${tag}\\s*>`, 'gi');
  close.lastIndex = from;
  const match = close.exec(html);
  return match ? { inner: html.slice(from, match.index), end: close.lastIndex } : { inner: html.slice(from), end: html.length };
}

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  middot: '·',
  laquo: '«',
  raquo: '»',
  copy: '©',
  reg: '®',
  trade: '™',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== '#') return namedEntities[name.toLowerCase()] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
  });
}

/** Visible text of an HTML fragment: tags dropped, entities decoded, control characters and runs of spaces collapsed. */
const cleanText = (fragment: string): string =>
  decodeEntities(fragment.replace(/<[^>]*>/g, ''))
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** DuckDuckGo's `kl` is country-language, lower case ("us-en"), and it calls Great Britain "uk". */
function duckDuckGoRegion(region: string): string {
  const [language, country] = region.toLowerCase().split('-');
  return `${country === 'gb' ? 'uk' : country}-${language}`;
}

interface Answer {
  status: number;
  body: string;
}

interface Outgoing {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

async function request(engine: string, url: string, options: WebSearchOptions, outgoing: Outgoing): Promise<Answer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const doFetch = options.fetch ?? fetch;
  const host = new URL(url).host;
  try {
    const response = await doFetch(url, {
      method: outgoing.method,
      headers: { 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT, ...outgoing.headers },
      body: outgoing.body,
      signal,
    });
    return { status: response.status, body: await readCapped(response, engine) };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (isAppError(error)) throw error;
    if (timeout.aborted) {
      throw upstreamFailed(`web search is out of reach: ${engine} (${host}) did not answer within ${timeoutMs / 1000} s`, { engine: engine.toLowerCase() }, error);
    }
    throw upstreamFailed(`web search is out of reach: cannot connect to ${engine} (${host}): ${networkReason(error)}`, { engine: engine.toLowerCase() }, error);
  }
}

async function readCapped(response: Response, engine: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw upstreamFailed(`web search failed: ${engine}'s answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB`, { engine: engine.toLowerCase() });
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The most telling code or message in a fetch failure (undici wraps the socket error in `cause`). */
function networkReason(error: unknown): string {
  // Duck-typed: the errors come from undici's realm, where `instanceof Error` can be false.
  let current = error as { code?: unknown; cause?: unknown; errors?: unknown[]; message?: unknown } | null;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    if (typeof current.code === 'string') return current.code;
    const next = Array.isArray(current.errors) && current.errors.length > 0 ? current.errors[0] : current.cause;
    if (next === undefined) return typeof current.message === 'string' ? current.message : 'network error';
    current = next as typeof current;
  }
  return 'network error';
}
