import type { RequestHandler } from 'express';

// COMPAT 1: GET / without check-in parameters is not a check-in; it says what this is.
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cronwatch</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>cronwatch</h1>
<p>Heartbeat monitoring for cron jobs. Jobs check in here; when one does not come on time,
cronwatch sends one alert, and one more when it recovers.</p>
<h2>Check in from a crontab line</h2>
<pre>0 3 * * * backup.sh &amp;&amp; curl -fsS "http://this-host:8080/?cronname=backup&amp;account=acme&amp;email=ops@acme.io&amp;frequency=86400"</pre>
<p><a href="/dashboard">Dashboard</a> (sign in with an API key) · health: <a href="/healthz">/healthz</a></p>
</body></html>
`;

export const home: RequestHandler = (_req, res) => {
  res.type('html').set('Cache-Control', 'no-cache').send(page);
};
