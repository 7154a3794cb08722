/** A strip above the app while the realtime connection is down: offline, or reconnecting. */
import { useEffect, useState } from 'react';

import { useConnection } from '../../state/connection';

export function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const attempts = useConnection((s) => s.attempts);
  const [browserOnline, setBrowserOnline] = useState(() => navigator.onLine);

  useEffect(() => {
    const update = () => setBrowserOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  // The first connect after sign-in is quiet; a lost connection is not.
  const down = status === 'offline' || (status === 'connecting' && attempts > 0);
  if (!down && browserOnline) return null;
  const text = !browserOnline
    ? 'You’re offline. Messages you write will be sent when you’re back.'
    : 'Reconnecting…';
  return (
    <div role="status" className="shrink-0 bg-[#f59f00] px-4 py-1.5 text-center text-sm font-semibold text-[#1a1a1a]">
      {text}
    </div>
  );
}
