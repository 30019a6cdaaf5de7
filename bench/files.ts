// A 100 MB file uploaded (POST /files, multipart built as a stream from disk) and downloaded (GET
// /files/:id, streamed to disk) through the server in a child process, against a plain
// fs.createReadStream().pipe(fs.createWriteStream()) copy of the same file, in alternating rounds.
// Targets: upload and download each at least 0.5 of the copy's throughput; the server's peak memory
// during an upload under 100 MB above its idle memory. Peak memory is the kernel's own high-water mark
// (VmHWM in /proc/<pid>/status), reset to the current size just before each upload (clear_refs 5), so
// no short spike can fall between samples. Idle is the server before its first upload: what an upload
// leaves allocated after it ends (grown heaps are seldom given back) counts against the target.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BenchResult } from './bench';
import { startChild } from './servers';

const MB = 1024 * 1024;
const FILE_BYTES = 100 * MB;
const ROUNDS = 5;
// Bigger reads of the source than the 64 KB default: fewer, larger socket writes from the client.
const READ_CHUNK_BYTES = 1024 * 1024;
// As long as a browser's (multipart parsing skips ahead by the boundary's length).
const BOUNDARY = `----WebKitFormBoundary${randomBytes(8).toString('hex')}`;

interface Timed<T> {
  ms: number;
  value: T;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  await pipeline(
    (async function* () {
      for (let left = bytes; left > 0; left -= MB) {
        const chunk = randomBytes(Math.min(MB, left));
        hash.update(chunk);
        yield chunk;
      }
    })(),
    out,
  );
  return hash.digest('hex');
}

function plainCopy(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(from);
    const target = createWriteStream(to);
    source.on('error', reject);
    target.on('error', reject).on('finish', resolve);
    source.pipe(target);
  });
}

/** Streams `path` as a multipart/form-data body with a Content-Length; answers the server's JSON. */
function uploadFile(base: string, token: string, path: string, name: string): Promise<{ status: number; body: { file?: { id: string; sha256: string } } }> {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="path"\r\n\r\n${name}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${base}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': head.length + FILE_BYTES + tail.length,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(
      (async function* () {
        yield head;
        yield* createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
        yield tail;
      })(),
      req,
    ).catch(reject);
  });
}

function downloadFile(base: string, token: string, id: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(`${base}/files/${id}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
      pipeline(res, createWriteStream(to)).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
}

async function signUp(base: string): Promise<string> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }',
      variables: { input: { username: `bench_${randomBytes(4).toString('hex')}`, password: 'bench-password-1' } },
    }),
  });
  const body = (await response.json()) as { data?: { register: { accessToken: string } }; errors?: unknown };
  if (!body.data) throw new Error(`sign-up failed: ${JSON.stringify(body.errors)}`);
  return body.data.register.accessToken;
}

/** VmRSS or VmHWM of a process, in bytes. */
async function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (!kilobytes) throw new Error(`no ${field} in /proc/${pid}/status: this bench reads memory the Linux way`);
  return Number(kilobytes) * 1024;
}

const resetPeak = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

export default async function bench(): Promise<BenchResult> {
  const data = await mkdtemp(join(tmpdir(), 'hub-bench-files-'));
  const hub = await startChild('hub', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    SECRETS_KEY: '0'.repeat(64),
    SQLITE_PATH: join(data, 'bench.sqlite'),
    FILES_DIR: join(data, 'files'),
    FILES_MAX_BYTES: String(2 * FILE_BYTES),
    FILES_QUOTA_BYTES: String(100 * FILE_BYTES),
  });
  const base = hub.url.replace(/\/graphql$/, '');
  try {
    const source = join(data, 'source.bin');
    const sha256 = await writeRandomFile(source, FILE_BYTES);
    const token = await signUp(base);
    const idle = await memoryOf(hub.pid, 'VmRSS');
    await resetPeak(hub.pid);
    // A first upload and download load every code path and buffer pool before any time is measured.
    const warm = await uploadFile(base, token, source, 'upload.bin');
    if (!warm.body.file) throw new Error(`upload answered ${warm.status}: ${JSON.stringify(warm.body)}`);
    let peakAboveIdle = (await memoryOf(hub.pid, 'VmHWM')) - idle;
    await downloadFile(base, token, warm.body.file.id, join(data, 'download.bin'));
    await plainCopy(source, join(data, 'copy.bin'));

    // Each round writes the same three targets again (a copy, a replaced upload, a download), so the
    // page cache and dirty data stay alike from round to round; the means are compared.
    let copyMs = 0;
    let uploadMs = 0;
    let downloadMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      copyMs += (await timed(() => plainCopy(source, join(data, 'copy.bin')))).ms;

      await resetPeak(hub.pid);
      const up = await timed(() => uploadFile(base, token, source, 'upload.bin'));
      peakAboveIdle = Math.max(peakAboveIdle, (await memoryOf(hub.pid, 'VmHWM')) - idle);
      const uploaded = up.value.body.file;
      if (up.value.status !== 200 || uploaded?.sha256 !== sha256) throw new Error(`upload answered ${up.value.status}: ${JSON.stringify(up.value.body)}`);
      uploadMs += up.ms;

      const downloaded = join(data, 'download.bin');
      downloadMs += (await timed(() => downloadFile(base, token, uploaded.id, downloaded))).ms;
      if ((await sha256Of(downloaded)) !== sha256) throw new Error('the downloaded bytes differ from the uploaded ones');
    }
    copyMs /= ROUNDS;
    uploadMs /= ROUNDS;
    downloadMs /= ROUNDS;

    const mbPerSecond = (ms: number) => FILE_BYTES / MB / (ms / 1000);
    return {
      name: 'files: 100 MB upload and download vs a plain fs stream copy',
      metrics: {
        copy_mb_per_s: Math.round(mbPerSecond(copyMs)),
        upload_mb_per_s: Math.round(mbPerSecond(uploadMs)),
        download_mb_per_s: Math.round(mbPerSecond(downloadMs)),
        upload_peak_rss_above_idle_mb: Number((peakAboveIdle / MB).toFixed(1)),
        rounds: ROUNDS,
      },
      targets: [
        { what: 'upload throughput / plain copy', ratio: copyMs / uploadMs, bound: 0.5, atLeast: true },
        { what: 'download throughput / plain copy', ratio: copyMs / downloadMs, bound: 0.5, atLeast: true },
        { what: 'server peak RSS above idle during the upload (MB)', ratio: peakAboveIdle / MB, bound: 100, atLeast: false },
      ],
    };
  } finally {
    await hub.close();
    await rm(data, { recursive: true, force: true });
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
