// Discord channel webhooks: POST <webhook url> {"content": …} (at most 2000 characters).
// `allowed_mentions.parse: []` keeps "@everyone" in a job's output from pinging a server.
import { cut, plainText, type Provider } from '../provider.js';

export const discord: Provider = {
  name: 'Discord',
  requests: (d, cfg) => [
    {
      url: cfg.need('url'),
      json: {
        content: cut(plainText(d), 2000),
        username: 'cronwatch',
        allowed_mentions: { parse: [] },
      },
    },
  ],
};
