// A public status page's address (/status/<slug>): the one rule the dashboard form and the
// CLI both check, before any query.

export const STATUS_PAGE_SLUG = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

export const SLUG_RULE =
  'the address must be 3-64 lower-case letters, digits and dashes, not starting or ending with a dash';
