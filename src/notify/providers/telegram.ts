// Telegram Bot API: POST <base>/bot<token>/sendMessage {"chat_id", "text"} (at most 4096
// characters). No parse_mode: a job's output is shown as it is, never read as markup.
import { INTEGRATIONS } from '../../domain/integrations.js';
import { cut, joinUrl, plainText, type Provider } from '../provider.js';

export const telegram: Provider = {
  name: 'Telegram',
  requests: (d, cfg) => [
    {
      url: joinUrl(
        cfg.get('base_url') ?? INTEGRATIONS.telegram.defaultBase!,
        `/bot${cfg.need('token')}/sendMessage`,
      ),
      json: {
        chat_id: cfg.need('chat_id'),
        text: cut(plainText(d), 4096),
        link_preview_options: { is_disabled: true },
      },
    },
  ],
};
