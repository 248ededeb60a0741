// Bundles src/main.ts (and its CSS, xterm's included) into OUTDIR/assets with content-hashed names, and writes
// OUTDIR/index.html pointing at them, and a .gz of each script and stylesheet. hospesd serves index.html uncached and assets/ as immutable.
// Usage: node build.mjs [OUTDIR]   (default: dist)
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { basename, resolve } from "node:path";

const outdir = resolve(process.argv[2] ?? "dist");
await rm(outdir, { recursive: true, force: true });
await mkdir(`${outdir}/assets`, { recursive: true });
const result = await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  outdir: `${outdir}/assets`,
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  legalComments: "linked",
  logLevel: "warning",
});
const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith(".js"));
const css = outputs.find((f) => f.endsWith(".css"));
if (!js || !css) throw new Error(`esbuild made no main .js or .css: ${outputs.join(", ")}`);
// Precompressed beside each: hospesd sends NAME.gz to a browser that accepts gzip (a quarter of the bytes).
for (const f of outputs.filter((f) => f.endsWith(".js") || f.endsWith(".css"))) {
  await writeFile(`${outdir}/assets/${f}.gz`, gzipSync(await readFile(`${outdir}/assets/${f}`), { level: 9 }));
}
const html = (await readFile("index.html", "utf8")).replace("%CSS%", `/assets/${css}`).replace("%JS%", `/assets/${js}`);
await writeFile(`${outdir}/index.html`, html);
console.log(`web UI: ${outdir}/index.html, assets/${js}, assets/${css}`);
