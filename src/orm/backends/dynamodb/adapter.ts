import { ItemAdapter } from '../../layout.js';

/**
 * Attribute names for the DynamoDB layout: `new DynamoDBAdapter({ pkAttribute: 'pk', skAttribute: 'sk',
 * entityTypeAttribute: 'entity_type' })` (the seed's defaults). The in-memory backend takes the same
 * adapter, so both lay items out alike.
 */
export class DynamoDBAdapter extends ItemAdapter {}
