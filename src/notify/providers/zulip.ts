// Zulip: POST <base>/api/v1/messages, form-encoded type=stream, to, topic, content, with
// HTTP basic auth of the bot's email and API key.
import { cut, joinUrl, plainText, type Provider } from '../provider.js';

export const zulip: Provider = {
  name: 'Zulip',
  requests: (d, cfg) => {
    const auth = Buffer.from(`${cfg.need('bot_email')}:${cfg.need('bot_key')}`).toString('base64');
    return [
      {
        url: joinUrl(cfg.need('base_url'), '/api/v1/messages'),
        headers: { Authorization: `Basic ${auth}` },
        form: {
          type: 'stream',
          to: cfg.need('stream'),
          topic: cfg.get('topic') ?? 'cronwatch',
          content: cut(plainText(d), 10_000),
        },
      },
    ];
  },
};
