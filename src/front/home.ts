import type { Request, RequestHandler } from 'express';
import type { FrontDeps } from './deps.js';
import { html } from './web/html.js';
import { layout } from './web/layout.js';

/**
 * The address the examples ping: PUBLIC_URL, else the host this page was asked for (the
 * examples said http://this-host:8080, to be edited by hand before they worked).
 */
function baseOf(deps: FrontDeps, req: Request): string {
  return deps.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

// COMPAT 1: GET / without check-in parameters is not a check-in; it says what this is, in
// the site's layout, with the way in (the ping routes answer before this).
function page(base: string): string {
  return layout(
    { title: 'Heartbeat monitoring for cron jobs' },
    html`<section class="landing">
      <h1>cronwatch</h1>
      <p class="lead">
        Heartbeat monitoring for cron jobs. Jobs check in here; when one does not come on time,
        cronwatch sends one alert, and one more when it recovers. It can also run jobs itself: call
        a URL on a schedule and watch those runs the same way.
      </p>
      <p><a class="button primary" href="/login">Sign in</a> with an API key to see and manage your checks.</p>
      <h2>Check in from a crontab line</h2>
      <pre class="example">0 3 * * * /path/to/backup.sh &amp;&amp; curl -fsS ${base}/ping/&lt;check uuid&gt;</pre>
      <p>gocron's check-ins work unchanged:</p>
      <pre class="example">0 3 * * * backup.sh &amp;&amp; curl -fsS "${base}/?cronname=backup&amp;account=acme&amp;email=ops@acme.io&amp;frequency=86400"</pre>
      <p class="muted">
        API: <a href="/api/v3/openapi.json">/api/v3/openapi.json</a> · health:
        <a href="/healthz">/healthz</a>
      </p>
    </section>`,
  ).text;
}

export function home(deps: FrontDeps): RequestHandler {
  return (req, res) => {
    // Vary: the page names the host it was asked for (when PUBLIC_URL is not set).
    res
      .type('html')
      .set('Cache-Control', 'no-cache')
      .vary('Host')
      .send(page(baseOf(deps, req)));
  };
}
