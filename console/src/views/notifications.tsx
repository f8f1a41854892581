// お知らせ: urgent alerts, reminders and escalations, live; each can open its case.
import { useEffect, useState } from 'preact/hooks';
import { label } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { formatTime } from '../format.js';
import { useLive } from '../live.js';
import { reportGlobal } from '../notices.js';
import { navigate } from '../router.js';
import type { NotificationItem } from '../types.js';

export function NotificationsPanel() {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<NotificationItem[]>([]);
  const [unread, setUnread] = useState(0);
  const [announcement, setAnnouncement] = useState('');

  const load = async (announce: boolean) => {
    let data: { notifications: NotificationItem[]; unread: number };
    try {
      data = await api.get('/notifications');
    } catch {
      return;
    }
    setItems((before) => {
      if (announce) {
        const seen = new Set(before.map((n) => n.id));
        const urgent = data.notifications.find((n) => !seen.has(n.id) && n.urgency === 'EMERGENCY');
        if (urgent) setAnnouncement(`緊急のお知らせ: ${urgent.title}`);
      }
      return data.notifications;
    });
    setUnread(data.unread);
  };
  useEffect(() => void load(false), []);
  useLive({ notification: () => void load(true) });

  const markRead = async (id: string) => {
    try {
      await api.post(`/notifications/${id}/read`);
    } catch (error) {
      reportGlobal(error);
    }
    void load(false);
  };

  return (
    <>
      <button type="button" id="notifications-button" class={unread > 0 ? 'notifications-button has-unread' : 'notifications-button'} aria-expanded={open} aria-controls="notifications-panel" onClick={() => setOpen(!open)}>
        お知らせ <span id="notifications-count" class="count">{unread}</span>
      </button>
      <aside id="notifications-panel" class="notifications-panel card" aria-label="お知らせ" hidden={!open}>
        <h2>お知らせ</h2>
        <p id="notifications-alert" class="visually-hidden" role="alert">
          {announcement}
        </p>
        <ol id="notifications-list" class="notifications-list">
          {items.map((n) => (
            <li key={n.id} class={n.urgency} data-id={n.id}>
              <strong>［{label('urgency', n.urgency)}］</strong>
              <span>{n.title}</span>
              <span class="when">{formatTime(n.createdAt)}</span>
              <div class="actions">
                {n.caseId && (
                  <button
                    type="button"
                    onClick={() => {
                      setOpen(false);
                      navigate(`/staff/cases/${n.caseId}`);
                    }}
                  >
                    相談を開く
                  </button>
                )}
                <button type="button" onClick={() => void markRead(n.id)}>
                  確認しました
                </button>
              </div>
            </li>
          ))}
        </ol>
        {items.length === 0 && (
          <p id="notifications-empty" class="muted">
            新しいお知らせはありません。
          </p>
        )}
      </aside>
    </>
  );
}
