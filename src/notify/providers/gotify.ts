// Gotify: POST <base>/message {"title", "message", "priority"} with the application token
// in X-Gotify-Key. Down alerts are priority 8 (shown as a pop-up by the Android app).
import { cut, eventKind, joinUrl, type Provider } from '../provider.js';

export const gotify: Provider = {
  name: 'Gotify',
  requests: (d, cfg) => [
    {
      url: joinUrl(cfg.need('base_url'), '/message'),
      headers: { 'X-Gotify-Key': cfg.need('token') },
      json: {
        title: cut(d.text.subject, 250),
        message: cut(d.text.body, 30_000),
        priority: eventKind(d) === 'down' ? 8 : 4,
        ...(d.text.url
          ? { extras: { 'client::notification': { click: { url: d.text.url } } } }
          : {}),
      },
    },
  ],
};
