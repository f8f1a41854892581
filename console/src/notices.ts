// A short message at the top of the page (an action that failed outside a form, a confirmation).
import { useEffect, useState } from 'preact/hooks';

let show: (message: string | null) => void = () => {};

export function reportGlobal(error: unknown): void {
  show(error instanceof Error ? error.message : error ? String(error) : null);
}

export function useGlobalNotice(): string | null {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    show = (next) => {
      setMessage(next);
      clearTimeout(timer);
      if (next) timer = setTimeout(() => setMessage(null), 8000);
    };
    return () => clearTimeout(timer);
  }, []);
  return message;
}
