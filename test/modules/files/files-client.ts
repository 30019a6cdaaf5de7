// The files API as a client drives it: multipart uploads and downloads over HTTP, the `files` query,
// and a look at the workspace folder on disk, the way an operator would check what was left behind.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestApp } from '../../support/app';
import type { GraphqlClient } from '../../support/graphql';

export interface UploadAnswer {
  status: number;
  headers: Headers;
  body: {
    file?: FileJson;
    created?: boolean;
    error?: { code: string; message: string; fields?: Record<string, string>; limitBytes?: number };
  };
}

export interface FileJson {
  id: string;
  path: string;
  size: number;
  mimeType: string;
  sha256: string;
  createdAt: string;
  updatedAt: string;
  downloadUrl: string;
}

export const FILE_FIELDS = 'id path size mimeType sha256 createdAt updatedAt downloadUrl';

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** POSTs a multipart form: `fields` in order, then the file part (unless `file` is null), then `after`. */
export async function upload(
  app: TestApp,
  token: string | undefined,
  file: { name: string; bytes: Uint8Array | string } | null,
  fields: Record<string, string> = {},
  after: Array<[string, string | { name: string; bytes: string }]> = [],
): Promise<UploadAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([file.bytes]), file.name);
  for (const [name, value] of after) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value.bytes]), value.name);
  }
  const response = await fetch(`${app.url}/files`, { method: 'POST', headers: bearer(token), body: form });
  return { status: response.status, headers: response.headers, body: (await response.json()) as UploadAnswer['body'] };
}

/** GETs a download URL (relative ones against the app) with the token and any extra headers. */
export async function download(app: TestApp, token: string | undefined, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(url, app.url), { headers: { ...bearer(token), ...headers } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

export async function listFiles(client: GraphqlClient, variables: { first?: number; after?: string; prefix?: string } = {}) {
  const data = await client.data<{ files: { totalCount: number; edges: Array<{ cursor: string; node: FileJson }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query ($first: Int, $after: String, $prefix: String) { files(first: $first, after: $after, prefix: $prefix) { totalCount edges { cursor node { ${FILE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
    variables,
  );
  return data.files;
}

export const workspaceOf = (app: TestApp, userId: string): string => join(app.config.files.dir, userId, 'files');

/** Every entry under a folder, as sorted relative paths (none when the folder does not exist). */
export async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return entries.map(String).sort();
}
