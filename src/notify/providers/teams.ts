// Microsoft Teams through a Workflows ("Post to a channel when a webhook request is
// received") webhook: a message with one Adaptive Card attachment. The retired Office 365
// connectors took a MessageCard; workflow webhooks take this shape.
import { cut, type Provider } from '../provider.js';

export const teams: Provider = {
  name: 'Teams',
  requests: (d, cfg) => [
    {
      url: cfg.need('url'),
      json: {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  text: d.text.subject,
                  weight: 'Bolder',
                  size: 'Medium',
                  wrap: true,
                },
                { type: 'TextBlock', text: cut(d.text.body, 20_000), wrap: true },
              ],
              ...(d.text.url
                ? {
                    actions: [
                      { type: 'Action.OpenUrl', title: 'Open in cronwatch', url: d.text.url },
                    ],
                  }
                : {}),
            },
          },
        ],
      },
    },
  ],
};
