// ntfy: JSON publishing, POST <base>/ {"topic", "message", "title", "priority", "tags",
// "click"}; an access token as `Authorization: Bearer`. Down is priority 5 (max).
import { INTEGRATIONS } from '../../domain/integrations.js';
import { cut, eventKind, joinUrl, type Provider } from '../provider.js';

const PRIORITY = { down: 5, up: 3, change: 4, test: 3, digest: 4 };
const TAGS = {
  down: ['rotating_light'],
  up: ['white_check_mark'],
  change: ['pencil'],
  test: ['bell'],
  digest: ['bell'],
};

export const ntfy: Provider = {
  name: 'ntfy',
  requests: (d, cfg) => {
    const token = cfg.get('token');
    const kind = eventKind(d);
    return [
      {
        url: joinUrl(cfg.get('base_url') ?? INTEGRATIONS.ntfy.defaultBase!, '/'),
        headers: token ? { Authorization: `Bearer ${token}` } : undefined,
        json: {
          topic: cfg.need('topic'),
          title: cut(d.text.subject, 250),
          message: cut(d.text.body, 4000),
          priority: PRIORITY[kind],
          tags: TAGS[kind],
          ...(d.text.url ? { click: d.text.url } : {}),
        },
      },
    ];
  },
};
