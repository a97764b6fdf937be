import type { Condition } from '../../query/conditions.js';

/**
 * Collects `#n` / `:v` placeholders for one request. Placeholders are generated, never derived from
 * attribute names, so any name (hyphens, dots, reserved words) is safe.
 */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly byName = new Map<string, string>();
  private valueCount = 0;

  name(attribute: string): string {
    let p = this.byName.get(attribute);
    if (!p) {
      p = `#n${this.byName.size}`;
      this.byName.set(attribute, p);
      this.names[p] = attribute;
    }
    return p;
  }

  value(v: unknown): string {
    const p = `:v${this.valueCount++}`;
    this.values[p] = v;
    return p;
  }

  /** The ExpressionAttributeNames/Values members, omitted when empty (DynamoDB rejects empty maps). */
  members(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      ...(this.byName.size > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

const COMPARATORS = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** A condition tree as a DynamoDB condition expression. */
export function conditionExpression(c: Condition, p: Placeholders): string {
  switch (c.type) {
    case 'and':
    case 'or':
      return `(${c.of.map((x) => conditionExpression(x, p)).join(c.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${conditionExpression(c.of, p)})`;
    default: {
      const a = p.name(c.field);
      switch (c.op) {
        case 'eq':
        case 'ne':
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          return `${a} ${COMPARATORS[c.op]} ${p.value(c.value)}`;
        case 'between': {
          const [lo, hi] = c.value as [unknown, unknown];
          return `${a} BETWEEN ${p.value(lo)} AND ${p.value(hi)}`;
        }
        case 'in':
          return `${a} IN (${(c.value as unknown[]).map((v) => p.value(v)).join(', ')})`;
        case 'beginsWith':
          return `begins_with(${a}, ${p.value(c.value)})`;
        case 'contains':
          return `contains(${a}, ${p.value(c.value)})`;
        case 'exists':
          return c.value ? `attribute_exists(${a})` : `attribute_not_exists(${a})`;
      }
    }
  }
}
