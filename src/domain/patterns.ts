// The shapes of identifiers that come from outside (URLs, CLI flags, API bodies), declared
// once: a check's uuid and slug were each spelled in four files, and a slug the API accepts
// but the ping route refuses (or the other way round) is a check no one can ping.

/** A UUID in its text form, either letter case (compare lower-cased). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A check's slug: what /ping/<ping key>/<slug> accepts. */
export const SLUG = /^[a-z0-9_-]{1,200}$/;
