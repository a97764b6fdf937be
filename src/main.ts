// `npm start`: GraphiQL over the demo models (or TABLEGRAPH_MODELS) on embedded dynalite by default.
// Environment: PORT, HOST, TABLE_NAME, DYNAMODB_ENDPOINT (DynamoDB Local or another endpoint),
// TABLEGRAPH_ENGINE=aws with AWS_REGION and the standard credentials chain, TABLEGRAPH_MEMORY=1 (or
// --memory), TABLEGRAPH_DATA_DIR, TABLEGRAPH_MODELS.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { configFromEnv, startApp, StartupError } = await import('./app.js');

try {
  const app = await startApp(configFromEnv(process.env, process.argv.slice(2)));
  console.log(
    `tablegraph: GraphiQL at ${app.url} (engine: ${app.engine}${app.seeded ? '; demo data loaded' : ''})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`tablegraph: ${signal}, finishing in-flight requests and closing the store`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('tablegraph: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof StartupError) {
    console.error(`tablegraph: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
