// Placeholder for the authorization rules (per model and field); replaced by the real module.
/** May `context` read `item` of `model`? Subscriptions drop an event before any filter when not. */
export function canRead(
  _context: unknown,
  _model: unknown,
  _item: object,
): boolean | Promise<boolean> {
  return true;
}
