/**
 * The Node version check every entry point runs first. Plain JavaScript on purpose: an older Node cannot load
 * a `.ts` file at all, so this must be something it can parse and run before any of our TypeScript.
 * Keep its syntax old (no `??=`, no `.ts` imports): Node 16 and 18 must be able to read it too.
 */
import { readFileSync } from 'node:fs';

/** The major version package.json's `engines.node` asks for (`>=22` → 22). */
export function requiredMajor() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const range = (pkg.engines && pkg.engines.node) || '';
  const m = /(\d+)/.exec(range);
  return m ? Number(m[1]) : 22;
}

const HOW = 'in a lamini checkout run "source scripts/node22.sh" first; otherwise install Node ';

/**
 * The one line to print when this Node cannot run `name`, or undefined when it can. `typescript`: the entry
 * point is a `.ts` file run from source, which needs Node's type stripping (on by default from Node 22.18).
 */
export function nodeProblem(name, options) {
  const needed = requiredMajor();
  const version = process.versions.node;
  const major = Number(version.split('.')[0]);
  if (major < needed) {
    return `${name}: needs Node.js ${needed} or later, this is Node ${version}: ${HOW}${needed} (https://nodejs.org, or "nvm install ${needed}")`;
  }
  if (options && options.typescript && !(process.features && process.features.typescript)) {
    return `${name}: running from source needs Node.js ${needed}.18 or later (type stripping), this is Node ${version}: ${HOW}${needed}.18 or later`;
  }
  return undefined;
}

/** Prints the problem line and exits 1 if this Node cannot run `name`. */
export function requireNode(name, options) {
  const problem = nodeProblem(name, options);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
