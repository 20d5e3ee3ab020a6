// Matrix client-server API: PUT <homeserver>/_matrix/client/v3/rooms/<room>/send/
// m.room.message/<txnId> {"msgtype": "m.text", "body"}. The notification's stable id is the
// transaction id, so the homeserver keeps one message when a retry repeats a delivery.
import { joinUrl, plainText, cut, type Provider } from '../provider.js';

export const matrix: Provider = {
  name: 'Matrix',
  requests: (d, cfg) => [
    {
      method: 'PUT',
      url: joinUrl(
        cfg.need('base_url'),
        `/_matrix/client/v3/rooms/${encodeURIComponent(cfg.need('room_id'))}/send/m.room.message/${encodeURIComponent(d.id)}`,
      ),
      headers: { Authorization: `Bearer ${cfg.need('token')}` },
      json: { msgtype: 'm.text', body: cut(plainText(d), 30_000) },
    },
  ],
};
