// `npm start`: `tablegraph serve` over the demo models (examples/demo/models.ts) on embedded
// dynalite, from the repository's sources under tsx. Flags and environment as for the CLI
// (src/cli.ts): PORT, HOST, TABLE_NAME, DYNAMODB_ENDPOINT, TABLEGRAPH_ENGINE=aws, AWS_REGION,
// TABLEGRAPH_MEMORY=1 (or --memory), TABLEGRAPH_DATA_DIR, TABLEGRAPH_MODELS, TABLEGRAPH_CURSOR_SECRET.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Development: answers carry extensions.cost (requests and capacity units).
process.env.NODE_ENV ??= 'development';

const { runCli } = await import('../src/cli.js');
const code = await runCli(['serve', ...process.argv.slice(2)], {
  defaultModels: new URL('../examples/demo/models.ts', import.meta.url).pathname,
});
if (code !== 0) process.exit(code);
