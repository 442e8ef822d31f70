// This package's scripts run on its own `node` devDependency (node@20): refuse to pass on any other major.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 20) {
  console.error(`node20-test: expected Node 20 from the node@20 devDependency, got ${process.version}`);
  process.exit(1);
}
console.log(`node20-test: running on Node ${process.version}`);
