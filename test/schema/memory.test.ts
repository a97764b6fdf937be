import { InMemoryBackend } from '../../src/orm/index.js';
import { schemaContract } from './schema-contract.js';

schemaContract('memory', async () => {
  const backend = new InMemoryBackend();
  return { backend, reset: async () => backend.clear() };
});
