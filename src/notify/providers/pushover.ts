// Pushover: POST <base>/1/messages.json, form-encoded token, user, title (250), message
// (1024), priority, url. Down alerts use the channel's priority (default 1, high).
import { INTEGRATIONS } from '../../domain/integrations.js';
import { cut, eventKind, joinUrl, type Provider } from '../provider.js';

export const pushover: Provider = {
  name: 'Pushover',
  requests: (d, cfg) => [
    {
      url: joinUrl(cfg.get('base_url') ?? INTEGRATIONS.pushover.defaultBase!, '/1/messages.json'),
      form: {
        token: cfg.need('token'),
        user: cfg.need('user'),
        title: cut(d.text.subject, 250),
        message: cut(d.text.body, 1024),
        priority: eventKind(d) === 'down' ? (cfg.get('priority') ?? '1') : '0',
        ...(d.text.url ? { url: d.text.url, url_title: 'Open in cronwatch' } : {}),
      },
    },
  ],
};
