// Builds the storefront page into src/QueryRec.Api/wwwroot: `buf generate` (protoc-gen-es) for the gRPC-Web
// client code, tsc for the type check, esbuild for the bundle, and the static index.html and app.css copied as they are.
//   node build.mjs            build into ../src/QueryRec.Api/wwwroot (commit the result: the demo needs no npm)
//   node build.mjs --check    build into a temp folder and fail if the committed files differ (stale bundle)
// Run `npm ci` here first. The output depends only on the sources and the pinned versions in package-lock.json.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wwwroot = resolve(here, "../src/QueryRec.Api/wwwroot");
const check = process.argv.includes("--check");
const outputs = ["index.html", "app.css", "app.js"];

if (!existsSync(join(here, "node_modules/.bin/buf")) || !existsSync(join(here, "node_modules/esbuild"))) {
  console.error("web/node_modules is missing: run `npm ci --prefix web` first.");
  process.exit(2);
}

const bin = join(here, "node_modules/.bin");
rmSync(join(here, "src/gen"), { recursive: true, force: true });
execFileSync(join(bin, "buf"), ["generate"], {
  cwd: here,
  stdio: "inherit",
  env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
});

// Type-check (typescript comes pinned with protoc-gen-es); esbuild itself only strips the types.
execFileSync(join(bin, "tsc"), ["-p", "tsconfig.json"], { cwd: here, stdio: "inherit" });

const out = check ? mkdtempSync(join(tmpdir(), "storefront-")) : wwwroot;
const esbuild = await import("esbuild");
await esbuild.build({
  absWorkingDir: here,
  entryPoints: ["src/main.ts"],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "none",
  banner: { js: "/* QueryRec storefront: built by web/build.mjs from web/src. Do not edit; run `node web/build.mjs`. */" },
  logLevel: "warning",
});
copyFileSync(join(here, "src/index.html"), join(out, "index.html"));
copyFileSync(join(here, "src/app.css"), join(out, "app.css"));

if (check) {
  const stale = outputs.filter((name) => {
    const committed = join(wwwroot, name);
    return !existsSync(committed) || !readFileSync(committed).equals(readFileSync(join(out, name)));
  });
  rmSync(out, { recursive: true, force: true });
  if (stale.length) {
    console.error(`stale storefront bundle: ${stale.join(", ")} in src/QueryRec.Api/wwwroot differ from a fresh build; run \`node web/build.mjs\` and commit.`);
    process.exit(1);
  }
  console.log("storefront bundle: up to date");
} else {
  console.log(`storefront built into ${wwwroot}`);
}
