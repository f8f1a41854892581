// The on-call acknowledgement link: GET shows one button, POST records the acknowledgement.
// Opening the link alone changes nothing, so a mail scanner that follows links cannot stop the
// escalation by itself; the token is signed and works once.
import { Router } from 'express';
import type { Db } from '../db/client.js';
import { caseLink } from '../notifications/notifications.js';
import { caseNumber } from '../labels/crisis.js';
import { labels } from '../labels/index.js';

const ONCALL_LABELS = labels.onCall;
import { acknowledgePage, verifyAckToken } from './paging.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><meta name="robots" content="noindex"></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function onCallRoutes(deps: { db: Db; secret: string; publicBaseUrl: string }): Router {
  const router = Router();
  router.get('/oncall/ack/:token', (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    const token = String(req.params.token);
    if (!verifyAckToken(deps.secret, token)) {
      res.status(404).type('html').send(page(ONCALL_LABELS.ackTitle, `<p>${escapeHtml(ONCALL_LABELS.ackInvalid)}</p>`));
      return;
    }
    const action = `/oncall/ack/${encodeURIComponent(token)}`;
    res.type('html').send(page(ONCALL_LABELS.ackTitle, `<form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(ONCALL_LABELS.ackButton)}</button></form>`));
  });
  router.post('/oncall/ack/:token', async (req, res, next) => {
    try {
      res.setHeader('cache-control', 'no-store');
      const result = await acknowledgePage(deps.db, deps.secret, String(req.params.token), new Date());
      if (result.status === 'invalid') {
        res.status(404).type('html').send(page(ONCALL_LABELS.ackTitle, `<p>${escapeHtml(ONCALL_LABELS.ackInvalid)}</p>`));
        return;
      }
      const text = result.status === 'acknowledged' ? ONCALL_LABELS.ackDone : ONCALL_LABELS.ackAlready;
      const link = caseLink(deps.publicBaseUrl, result.caseId);
      res
        .status(result.status === 'acknowledged' ? 200 : 409)
        .type('html')
        .send(page(ONCALL_LABELS.ackTitle, `<p>${escapeHtml(text)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(`${ONCALL_LABELS.pageConsole}（相談 ${caseNumber(result.caseNumber)}）`)}</a></p>`));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
