import { type AdapterOptions, ItemAdapter } from '../../layout.js';

/**
 * Attribute names for the DynamoDB layout: `pkAttribute` ('pk'), `skAttribute` ('sk'),
 * `entityTypeAttribute` ('entity_type'). The in-memory backend takes the same adapter.
 */
export class DynamoDBAdapter extends ItemAdapter {
  // biome-ignore lint/complexity/noUselessConstructor: documents the options of the seed's adapter
  constructor(options: AdapterOptions = {}) {
    super(options);
  }
}
