// Headers of every HTML page (helmet): a CSP that allows no inline script or style, so an
// escaping mistake cannot become script execution; no framing (clickjacking on the pause
// and delete buttons); no referrer leaving the site with a check's uuid in the URL.
import helmet from 'helmet';

export const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  // Served over plain HTTP on a LAN by default: HSTS is for the TLS proxy in front to set.
  strictTransportSecurity: false,
});
