import { badInput } from './errors.js';

// A global ID is base64 of `<Type>:<key>`, the key being the JSON array of the table key's values.

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function encodeGlobalID(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

/** The type name and key text of a global ID; BAD_USER_INPUT when it is not one. */
export function decodeGlobalID(globalID: string): { typename: string; id: string } {
  const text = BASE64.test(globalID) ? Buffer.from(globalID, 'base64').toString('utf8') : '';
  const colon = text.indexOf(':');
  if (colon < 1 || encodeGlobalID(text.slice(0, colon), text.slice(colon + 1)) !== globalID)
    throw badInput(`${JSON.stringify(globalID)} is not a global ID (a Node's \`id\`)`);
  return { typename: text.slice(0, colon), id: text.slice(colon + 1) };
}
