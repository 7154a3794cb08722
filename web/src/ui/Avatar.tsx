import { initials } from '../lib/initials';

/** A round avatar with the person's initials on a colour derived from their id (stable across sessions). */

const PALETTE = [
  ['#e64980', '#fff'],
  ['#be4bdb', '#fff'],
  ['#7048e8', '#fff'],
  ['#4263eb', '#fff'],
  ['#1c7ed6', '#fff'],
  ['#1098ad', '#fff'],
  ['#0ca678', '#fff'],
  ['#37b24d', '#fff'],
  ['#f59f00', '#1a1a1a'],
  ['#f76707', '#fff'],
] as const;

const SIZES = {
  sm: 'size-9 text-sm',
  md: 'size-11 text-base',
  lg: 'size-20 text-2xl',
} as const;

function colourFor(seed: string): readonly [string, string] {
  let hash = 0;
  for (let i = 0; i < seed.length; i += 1) hash = (hash * 31 + seed.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length] ?? PALETTE[0];
}

export function Avatar({ id, name, size = 'md' }: { id: string; name: string; size?: keyof typeof SIZES }) {
  const [bg, fg] = colourFor(id);
  return (
    <span
      aria-hidden="true"
      className={`inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold ${SIZES[size]}`}
      style={{ backgroundColor: bg, color: fg }}
    >
      {initials(name)}
    </span>
  );
}
