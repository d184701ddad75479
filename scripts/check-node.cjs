// Runs before `npm start` and `npm test` on whatever Node.js is first on PATH, so it is
// plain CommonJS that even an old Node can read. (`npm install` is refused earlier by
// engine-strict in .npmrc, with npm's own EBADENGINE message.)
"use strict";

const required = { major: 22, minor: 12 };

/** A one-line message when `found` (e.g. "20.20.2") is too old, else null. */
function versionProblem(found, execPath) {
  const [major, minor] = found.split(".").map(Number);
  if (major > required.major || (major === required.major && minor >= required.minor)) return null;
  return (
    `This project needs Node.js ${required.major}.${required.minor} or later (24 LTS recommended); ` +
    `found ${found} at ${execPath}. Install Node.js 24 (with nvm: \`nvm install\` reads .nvmrc) and put it first on PATH.`
  );
}

module.exports = { versionProblem };

if (require.main === module) {
  const problem = versionProblem(process.versions.node, process.execPath);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
