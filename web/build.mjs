// Bundles src/main.ts (and its CSS, xterm's included) into OUTDIR/assets with content-hashed names, and writes
// OUTDIR/index.html pointing at them. hospesd serves index.html uncached and assets/ as immutable.
// Usage: node build.mjs [OUTDIR]   (default: dist)
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
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
const html = (await readFile("index.html", "utf8")).replace("%CSS%", `/assets/${css}`).replace("%JS%", `/assets/${js}`);
await writeFile(`${outdir}/index.html`, html);
console.log(`web UI: ${outdir}/index.html, assets/${js}, assets/${css}`);
