// Mattermost incoming webhooks: POST <webhook url> {"text", "username", "channel"?}.
import { cut, plainText, type Provider } from '../provider.js';

export const mattermost: Provider = {
  name: 'Mattermost',
  requests: (d, cfg) => {
    const channel = cfg.get('channel');
    return [
      {
        url: cfg.need('url'),
        json: {
          text: cut(plainText(d), 16_000),
          username: 'cronwatch',
          ...(channel ? { channel } : {}),
        },
      },
    ];
  },
};
