// Emergencies are impossible to miss, on every page of the console (#15): a banner at the top, an
// always-present live region that screen readers announce, a flashing tab title, a desktop
// notification (permission asked once) and — if the staff member turned it on — a sound.
// "Seen" is per staff member (the server keeps it); claiming or closing the case clears the
// alert for everyone, and it leaves the banner at the next live update.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { useLive } from './live.js';
import { reportGlobal } from './notices.js';
import { navigate } from './router.js';
import './styles/crisis.css';
import type { NotificationItem } from './types.js';

const ASKED_KEY = 'yorisoi.desktopNotificationsAsked';
const FLASH_TITLE = '【緊急】新しい緊急の相談があります';
const FLASH_EVERY_MS = 1_000;
const MAX_SHOWN = 3;

type AlertItem = NotificationItem & { kind?: string };

// ----- the sound (off until the staff member turns it on; WebAudio, no file to load) -----

let soundOn = false;
let audio: AudioContext | null = null;
const soundListeners = new Set<(on: boolean) => void>();

function setSound(on: boolean): void {
  soundOn = on;
  for (const l of soundListeners) l(on);
}

/** Browsers allow audio only after a gesture: the toggle's click creates the context. */
function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    audio = null;
  }
}

function playAlarm(): void {
  if (!soundOn || !audio) return;
  const start = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = i % 2 === 0 ? 880 : 660;
    gain.gain.setValueAtTime(0.2, start + i * 0.35);
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.35 + 0.3);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.35);
    tone.stop(start + i * 0.35 + 0.3);
  }
}

// ----- desktop notifications (asked once per browser) -----

async function notifyDesktop(alert: AlertItem): Promise<void> {
  if (typeof Notification === 'undefined') return;
  if (Notification.permission === 'default' && localStorage.getItem(ASKED_KEY) === null) {
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
    try {
      await Notification.requestPermission();
    } catch {
      return;
    }
  }
  if (Notification.permission !== 'granted') return;
  const shown = new Notification('よりそい: 緊急の相談', { body: alert.title, tag: alert.id, requireInteraction: true });
  shown.onclick = () => {
    window.focus();
    if (alert.caseId) navigate(`/staff/cases/${alert.caseId}`);
    shown.close();
  };
}

// ----- the banner, the live region and the title -----

/** Unseen emergency alerts at the top of every page; new ones are announced, flashed, notified. */
export function EmergencyBanner() {
  const [alerts, setAlerts] = useState<AlertItem[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [flashing, setFlashing] = useState(false);
  const known = useRef<Set<string> | null>(null);

  const load = async () => {
    let data: { notifications: AlertItem[] };
    try {
      data = await api.get('/notifications');
    } catch {
      return;
    }
    const emergencies = data.notifications.filter((n) => n.urgency === 'EMERGENCY' && (n.kind === undefined || n.kind === 'emergency_alert'));
    // What waited before the page opened shows in the banner; only what arrives now is announced.
    const fresh = known.current === null ? [] : emergencies.filter((n) => !known.current!.has(n.id));
    known.current = new Set([...(known.current ?? []), ...emergencies.map((n) => n.id)]);
    setAlerts(emergencies);
    const newest = fresh[0];
    if (newest) {
      setAnnouncement(`緊急のお知らせ: ${newest.title}`);
      setFlashing(true);
      playAlarm();
      void notifyDesktop(newest);
    }
    if (emergencies.length === 0) setFlashing(false);
  };
  useEffect(() => void load(), []);
  useLive({ notification: () => void load(), case: (e) => (e.change === 'claimed' || e.change === 'status' ? void load() : undefined) });

  useEffect(() => {
    if (!flashing) return;
    const original = document.title;
    let on = false;
    const timer = setInterval(() => {
      on = !on;
      document.title = on ? FLASH_TITLE : original;
    }, FLASH_EVERY_MS);
    document.title = FLASH_TITLE;
    return () => {
      clearInterval(timer);
      document.title = original;
    };
  }, [flashing]);

  const seen = async (id: string) => {
    try {
      await api.post(`/notifications/${id}/read`);
    } catch (error) {
      reportGlobal(error);
    }
    setFlashing(false);
    void load();
  };

  return (
    <>
      {/* Always in the page (never inside a hidden panel), so assistive technology announces it. */}
      <p id="emergency-live" class="visually-hidden" role="alert" aria-live="assertive">
        {announcement}
      </p>
      {alerts.length > 0 && (
        <section id="emergency-banner" class="emergency-banner" aria-labelledby="emergency-banner-title">
          <h2 id="emergency-banner-title">緊急の相談が {alerts.length}件 あります</h2>
          <ul>
            {alerts.slice(0, MAX_SHOWN).map((a) => (
              <li key={a.id} data-id={a.id}>
                <span class="emergency-title">{a.title}</span>
                {a.caseId && (
                  <button
                    type="button"
                    class="emergency-open"
                    onClick={() => {
                      setFlashing(false);
                      navigate(`/staff/cases/${a.caseId}`);
                    }}
                  >
                    相談を開く
                  </button>
                )}
                <button type="button" class="secondary small" onClick={() => void seen(a.id)}>
                  確認しました
                </button>
              </li>
            ))}
          </ul>
          {alerts.length > MAX_SHOWN && <p class="emergency-more">ほか {alerts.length - MAX_SHOWN}件。お知らせの一覧で確認できます。</p>}
        </section>
      )}
    </>
  );
}

/** Each staff member's own sound setting (stored on the server, off by default). */
export function AlertSoundToggle() {
  const [on, setOn] = useState(soundOn);
  useEffect(() => {
    soundListeners.add(setOn);
    // Turned on earlier (another day, another page): audio may start at the first click here.
    const unlock = () => soundOn && unlockAudio();
    document.addEventListener('pointerdown', unlock, { once: true });
    api
      .get<{ sound: boolean }>('/me/alert-settings')
      .then((s) => setSound(s.sound))
      .catch(() => {});
    return () => {
      soundListeners.delete(setOn);
      document.removeEventListener('pointerdown', unlock);
    };
  }, []);
  const change = async (next: boolean) => {
    if (next) unlockAudio();
    try {
      const saved = await api.put<{ sound: boolean }>('/me/alert-settings', { sound: next });
      setSound(saved.sound);
    } catch (error) {
      reportGlobal(error);
    }
  };
  return (
    <label class="alert-sound">
      <input type="checkbox" id="alert-sound" checked={on} onChange={(e) => void change(e.currentTarget.checked)} /> 緊急時に音を鳴らす
    </label>
  );
}
