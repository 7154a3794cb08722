/** Signed out: sign in or create an account, beside a short word about the product on wide screens. */
import { useEffect, useState } from 'react';

import { ChatIcon, Logo, PeopleIcon, SendIcon } from '../../ui/icons';
import { ForgotPasswordForm } from './ForgotPasswordForm';
import { LoginForm } from './LoginForm';
import { SignupForm } from './SignupForm';

type Mode = 'login' | 'signup' | 'forgot';

export function AuthScreen() {
  const [mode, setMode] = useState<Mode>(() => (window.location.hash === '#signup' ? 'signup' : 'login'));

  // `#signup` opens the sign-up form on arrival; once signed in it has served its purpose, and
  // signing out later should land on "sign in".
  useEffect(() => () => clearHash(), []);

  function switchTo(next: Mode) {
    setMode(next);
    if (next === 'signup') window.history.replaceState(null, '', '#signup');
    else clearHash();
  }

  return (
    <div className="flex min-h-full">
      <aside className="relative hidden w-[44%] max-w-xl flex-col justify-between overflow-hidden bg-accent p-12 text-accent-ink lg:flex">
        <div aria-hidden="true" className="pointer-events-none absolute -right-24 -top-24 size-96 rounded-full bg-white/10" />
        <div aria-hidden="true" className="pointer-events-none absolute -bottom-32 -left-20 size-[28rem] rounded-full bg-white/5" />
        <div className="relative flex items-center gap-3 text-xl font-bold">
          <Logo className="size-10 rounded-xl ring-2 ring-white/30" />
          Messenger
        </div>
        <div className="relative">
          <p className="text-4xl font-bold leading-tight tracking-tight">Talk to your team, right in the browser.</p>
          <ul className="mt-8 space-y-4 text-lg opacity-90">
            <li className="flex items-center gap-3">
              <SendIcon className="size-5" /> Messages that arrive instantly, in every tab
            </li>
            <li className="flex items-center gap-3">
              <PeopleIcon className="size-5" /> Direct and group chats
            </li>
            <li className="flex items-center gap-3">
              <ChatIcon className="size-5" /> Nothing to install
            </li>
          </ul>
        </div>
        <p className="relative text-sm opacity-70">Your conversations, wherever you sign in.</p>
      </aside>
      <main className="flex flex-1 items-center justify-center px-5 py-10">
        <div className="w-full max-w-[400px]">
          <div className="mb-8 flex items-center gap-3 lg:hidden">
            <Logo className="size-10" />
            <span className="text-xl font-bold tracking-tight">Messenger</span>
          </div>
          <div className="rounded-3xl bg-surface p-6 shadow-sm ring-1 ring-line sm:p-8">
            {mode === 'login' ? (
              <LoginForm key="login" onSwitch={() => switchTo('signup')} onForgot={() => switchTo('forgot')} />
            ) : mode === 'forgot' ? (
              <ForgotPasswordForm key="forgot" onBack={() => switchTo('login')} />
            ) : (
              <SignupForm key="signup" onSwitch={() => switchTo('login')} />
            )}
          </div>
        </div>
      </main>
    </div>
  );
}

function clearHash() {
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
}
