#!/usr/bin/env node
// `npx tablegraph ...`: see cli.ts for the commands.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { runCli } = await import('./cli.js');
const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
