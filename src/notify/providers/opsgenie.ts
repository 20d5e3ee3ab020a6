// Opsgenie Alert API: a down alert creates one (POST <base>/v2/alerts) with the check's uuid
// as its `alias`; the recovery closes the open alert of that alias
// (POST <base>/v2/alerts/<alias>/close?identifierType=alias). Auth: `GenieKey <key>`.
import { INTEGRATIONS } from '../../domain/integrations.js';
import { DeliveryError } from '../transport.js';
import { cut, joinUrl, type Provider } from '../provider.js';

export const opsgenie: Provider = {
  name: 'Opsgenie',
  requests: (d, cfg) => {
    const base = cfg.get('base_url') ?? INTEGRATIONS.opsgenie.defaultBase!;
    const headers = { Authorization: `GenieKey ${cfg.need('genie_key')}` };
    const e = d.event;
    if (!e && !d.test) throw new DeliveryError('Opsgenie carries alerts only', true);
    const alias = e ? e.check.uuid : `cronwatch-test-${d.id}`;
    if (e?.kind === 'up')
      return [
        {
          url: joinUrl(base, `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`),
          headers,
          json: { source: 'cronwatch', note: cut(d.text.subject, 25_000) },
        },
      ];
    return [
      {
        url: joinUrl(base, '/v2/alerts'),
        headers,
        json: {
          message: cut(d.text.subject, 130),
          alias,
          description: cut(d.text.body, 15_000),
          source: 'cronwatch',
          tags: ['cronwatch'],
          priority: e ? 'P1' : 'P5',
          ...(e ? { entity: e.check.name, details: { account: e.check.account } } : {}),
        },
      },
    ];
  },
};
