/**
 * What may be attached, checked in the browser first for a clear and immediate error (the
 * server checks again and is the authority), and how files are described to people.
 */

/** 25 MB, as the server counts it. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** The most attachments one message carries. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** The content types the server accepts: common images, PDF, plain text, ZIP, office documents. */
export const ALLOWED_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
];

/** For the file picker's `accept`: the types, plus extensions for systems that report none. */
export const ACCEPT = [
  ...ALLOWED_TYPES,
  '.jpg,.jpeg,.png,.gif,.webp,.pdf,.txt,.zip,.doc,.docx,.xls,.xlsx,.ppt,.pptx',
].join(',');

/** A content type without parameters, lower-cased (`text/plain;charset=utf-8` -> `text/plain`). */
export function essence(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function isImage(contentType: string): boolean {
  return essence(contentType).startsWith('image/');
}

export type FileProblem = 'too_large' | 'empty' | 'type_not_allowed';

/** What is wrong with a file for attaching, or null. An empty `type` (unknown to the browser) is not allowed. */
export function fileProblem(file: { size: number; type: string }): FileProblem | null {
  if (!ALLOWED_TYPES.includes(essence(file.type))) return 'type_not_allowed';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'too_large';
  return null;
}

/** The sentence a person reads for a problem. */
export function problemText(problem: FileProblem, file: { size: number }): string {
  switch (problem) {
    case 'too_large': {
      const size = humanSize(file.size);
      // 25.0001 MB reads as "25 MB": say "over" rather than show the limit as the size.
      return `Too big (${size === humanSize(MAX_ATTACHMENT_BYTES) ? 'over 25 MB' : size}): files can be up to 25 MB.`;
    }
    case 'empty':
      return 'This file is empty.';
    case 'type_not_allowed':
      return 'This type of file cannot be attached (images, PDF, text, ZIP and office documents can).';
  }
}

const UNITS = ['KB', 'MB', 'GB'];

/** "512 B", "2.4 KB", "2.4 MB", "25 MB": binary multiples (as the 25 MB limit is), one decimal under 10. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  let value = bytes;
  let unit = 'B';
  for (const u of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.96 KB rounds to 1024 KB: say 1 MB instead.
  if (rounded >= 1024 && unit !== 'GB') return `1 ${UNITS[UNITS.indexOf(unit) + 1]}`;
  return `${rounded} ${unit}`;
}

/**
 * The size an image shows at in a message: its own size, scaled down (never up) to fit
 * `maxWidth` x `maxHeight`, so the box is right before the picture loads (no layout jump).
 */
export function fitWithin(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  if (!(width > 0 && height > 0)) return { width: maxWidth, height: Math.round((maxWidth * 3) / 4) };
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
