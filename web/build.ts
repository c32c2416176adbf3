// Builds the static dashboard into web/dist: app.js (bundled and minified with esbuild, with source map), styles.css and
// index.html (with content-hash query strings so CloudFront and browsers never mix an old script with a new page).
// Run `npx tsx web/build.ts`; the local server calls `buildDashboard()` itself.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const webDir = dirname(fileURLToPath(import.meta.url));
/** esbuild's metafile names paths relative to this. */
const projectRoot = dirname(webDir);

export interface BuildOptions {
  /** Where to write the files; default web/dist. */
  outDir?: string;
  /** Minify JS and CSS; default true. */
  minify?: boolean;
}

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** What a browser downloads for one part of the dashboard: its script and every chunk it imports statically. */
export interface BundleSize {
  files: string[];
  bytes: number;
  gzipBytes: number;
}

export interface BuildResult {
  outDir: string;
  files: BuiltFile[];
  /** The boss view (app.js and its static imports) and the admin console (loaded on an admin view, on top of it). */
  bundles: { boss: BundleSize; admin: BundleSize };
}

/** The lazily loaded admin console's entry module (web/src/admin/console.ts). */
const ADMIN_ENTRY = 'web/src/admin/console.ts';

export async function buildDashboard(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(options.outDir ?? join(webDir, 'dist'));
  const minify = options.minify ?? true;

  const bundle = await build({
    entryPoints: { app: join(webDir, 'src/main.ts'), styles: join(webDir, 'styles.css') },
    outdir: outDir,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'safari16', 'firefox115'],
    minify,
    sourcemap: 'linked',
    sourcesContent: true,
    legalComments: 'linked',
    treeShaking: true,
    // The admin console is imported dynamically: its own chunk, fetched only when an admin view opens.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    absWorkingDir: projectRoot,
    // Module scripts are always decoded as UTF-8: the zh/ru texts need not grow six-fold into \u escapes.
    charset: 'utf8',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', __DEV__: 'false' },
  });

  const outputs = new Map<string, Uint8Array>(bundle.outputFiles.map((file) => [relative(outDir, file.path), file.contents]));
  const version = (name: string) => createHash('sha256').update(outputs.get(name) ?? '').digest('hex').slice(0, 10);
  const html = (await readFile(join(webDir, 'index.html'), 'utf8'))
    .replace('src="app.js"', `src="app.js?v=${version('app.js')}"`)
    .replace('href="styles.css"', `href="styles.css?v=${version('styles.css')}"`);
  outputs.set('index.html', Buffer.from(html));

  // Each file is written beside its final name and renamed over it, so a server reading web/dist while the local
  // runtime (or a test) rebuilds never serves half a file.
  await mkdir(join(outDir, 'chunks'), { recursive: true });
  for (const [name, contents] of outputs) {
    const target = join(outDir, name);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, contents);
    await rename(temporary, target);
  }

  const files: BuiltFile[] = [];
  const sizeOf = (name: string): BuiltFile => {
    const contents = outputs.get(name) ?? new Uint8Array();
    return { name, bytes: contents.byteLength, gzipBytes: gzipSync(contents).length };
  };
  const chunks = [...outputs.keys()].filter((name) => name.startsWith('chunks/') && name.endsWith('.js')).sort();
  for (const name of ['index.html', 'app.js', 'styles.css', ...chunks, 'app.js.map']) if (outputs.has(name)) files.push(sizeOf(name));

  // Which output files each part loads, from esbuild's metafile: static imports are fetched with the script,
  // dynamic ones only when asked for.
  const metaOutputs = bundle.metafile.outputs;
  const outputName = (path: string) => relative(outDir, resolve(projectRoot, path));
  const staticClosure = (start: string): Set<string> => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const meta = Object.entries(metaOutputs).find(([path]) => outputName(path) === name)?.[1];
      for (const imported of meta?.imports ?? []) if (imported.kind === 'import-statement') visit(outputName(imported.path));
    };
    visit(start);
    return seen;
  };
  const adminOutput = Object.entries(metaOutputs).find(([, meta]) => meta.entryPoint === ADMIN_ENTRY)?.[0];
  const boss = staticClosure('app.js');
  const admin = adminOutput ? [...staticClosure(outputName(adminOutput))].filter((name) => !boss.has(name)) : [];
  const total = (names: Iterable<string>): BundleSize => {
    const list = [...names].sort();
    const sizes = list.map(sizeOf);
    return { files: list, bytes: sizes.reduce((n, f) => n + f.bytes, 0), gzipBytes: sizes.reduce((n, f) => n + f.gzipBytes, 0) };
  };
  return { outDir, files, bundles: { boss: total(boss), admin: total(admin) } };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = Date.now();
  const result = await buildDashboard();
  console.log(`dashboard built into ${result.outDir} in ${Date.now() - started} ms`);
  for (const file of result.files) console.log(`  ${file.name.padEnd(32)} ${kib(file.bytes).padStart(10)}  (gzip ${kib(file.gzipBytes)})`);
  const { boss, admin } = result.bundles;
  console.log(`boss view script: ${kib(boss.bytes)} (gzip ${kib(boss.gzipBytes)}); admin console on top: ${kib(admin.bytes)} (gzip ${kib(admin.gzipBytes)})`);
}
