/** The frame of the pages mailed links open: the product's name over one card. */
import type { ReactNode } from 'react';

import { Logo } from '../../ui/icons';

export function LinkPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full items-center justify-center px-5 py-10">
      <div className="w-full max-w-[400px]">
        <div className="mb-8 flex items-center gap-3">
          <Logo className="size-10" />
          <span className="text-xl font-bold tracking-tight">Messenger</span>
        </div>
        <section aria-labelledby="link-page-title" className="flex flex-col gap-5 rounded-3xl bg-surface p-6 shadow-sm ring-1 ring-line sm:p-8">
          <h1 id="link-page-title" className="text-2xl font-bold tracking-tight text-ink">
            {title}
          </h1>
          {children}
        </section>
      </div>
    </main>
  );
}
