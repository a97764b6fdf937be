import { InMemoryBackend } from '../../src/orm/index.js';
import { backendContract } from './backend-contract.js';

backendContract('memory', async () => {
  const backend = new InMemoryBackend();
  return { backend, reset: async () => backend.clear(), noTransactions: null };
});
