// PagerDuty Events API v2: POST <base>/v2/enqueue. A down alert is a `trigger`, a recovery a
// `resolve` with the same `dedup_key` (the check's uuid), so the incident it opened closes.
import { INTEGRATIONS } from '../../domain/integrations.js';
import { DeliveryError } from '../transport.js';
import { cut, joinUrl, type Provider } from '../provider.js';

export const pagerduty: Provider = {
  name: 'PagerDuty',
  requests: (d, cfg) => {
    const url = joinUrl(cfg.get('base_url') ?? INTEGRATIONS.pagerduty.defaultBase!, '/v2/enqueue');
    const routing_key = cfg.need('routing_key');
    const e = d.event;
    if (!e) {
      if (!d.test) throw new DeliveryError('PagerDuty carries alerts only', true);
      // A test opens an info-level incident of its own, never one of a check.
      return [
        {
          url,
          json: {
            routing_key,
            event_action: 'trigger',
            dedup_key: `cronwatch-test-${d.id}`,
            payload: { summary: cut(d.text.subject, 1024), source: 'cronwatch', severity: 'info' },
          },
        },
      ];
    }
    if (e.kind === 'up')
      return [{ url, json: { routing_key, event_action: 'resolve', dedup_key: e.check.uuid } }];
    return [
      {
        url,
        json: {
          routing_key,
          event_action: 'trigger',
          dedup_key: e.check.uuid,
          payload: {
            summary: cut(d.text.subject, 1024),
            source: `cronwatch/${e.check.account}`,
            severity: 'critical',
            timestamp: e.at,
            component: e.check.name,
            custom_details: { text: cut(d.text.body, 10_000) },
          },
          client: 'cronwatch',
          ...(d.text.url
            ? { client_url: d.text.url, links: [{ href: d.text.url, text: e.check.name }] }
            : {}),
        },
      },
    ];
  },
};
