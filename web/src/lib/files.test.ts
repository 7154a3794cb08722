import { describe, expect, it } from 'vitest';

import { essence, fileProblem, fitWithin, humanSize, isImage, MAX_ATTACHMENT_BYTES, problemText } from './files';

describe('fileProblem', () => {
  it('accepts the allowed types from 1 byte up to 25 MB', () => {
    expect(fileProblem({ type: 'image/png', size: 1 })).toBeNull();
    expect(fileProblem({ type: 'application/pdf', size: MAX_ATTACHMENT_BYTES })).toBeNull();
    expect(fileProblem({ type: 'text/plain;charset=utf-8', size: 10 })).toBeNull();
    expect(fileProblem({ type: 'IMAGE/JPEG', size: 10 })).toBeNull();
    expect(fileProblem({ type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 10 })).toBeNull();
  });

  it('refuses files over 25 MB (26214400 bytes) and empty ones', () => {
    expect(MAX_ATTACHMENT_BYTES).toBe(26_214_400);
    expect(fileProblem({ type: 'image/png', size: MAX_ATTACHMENT_BYTES + 1 })).toBe('too_large');
    expect(fileProblem({ type: 'image/png', size: 0 })).toBe('empty');
  });

  it('refuses types off the list, and files whose type the browser does not know', () => {
    expect(fileProblem({ type: 'image/svg+xml', size: 10 })).toBe('type_not_allowed');
    expect(fileProblem({ type: 'text/html', size: 10 })).toBe('type_not_allowed');
    expect(fileProblem({ type: 'application/x-msdownload', size: 10 })).toBe('type_not_allowed');
    expect(fileProblem({ type: '', size: 10 })).toBe('type_not_allowed');
    // The type is checked first: a big executable is reported as the wrong type.
    expect(fileProblem({ type: '', size: MAX_ATTACHMENT_BYTES + 1 })).toBe('type_not_allowed');
  });

  it('says what is wrong in words', () => {
    expect(problemText('too_large', { size: 30 * 1024 * 1024 })).toBe('Too big (30 MB): files can be up to 25 MB.');
    expect(problemText('too_large', { size: MAX_ATTACHMENT_BYTES + 1 })).toBe('Too big (over 25 MB): files can be up to 25 MB.');
    expect(problemText('type_not_allowed', { size: 1 })).toMatch(/cannot be attached/);
  });
});

describe('humanSize', () => {
  it('uses B, KB, MB, GB with one decimal under 10', () => {
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(512)).toBe('512 B');
    expect(humanSize(1023)).toBe('1023 B');
    expect(humanSize(1024)).toBe('1 KB');
    expect(humanSize(1536)).toBe('1.5 KB');
    expect(humanSize(Math.round(2.4 * 1024 * 1024))).toBe('2.4 MB');
    expect(humanSize(25 * 1024 * 1024)).toBe('25 MB');
    expect(humanSize(150 * 1024)).toBe('150 KB');
    expect(humanSize(3 * 1024 ** 3)).toBe('3 GB');
  });

  it('never says 1024 of a unit', () => {
    expect(humanSize(1024 * 1024 - 1)).toBe('1 MB');
  });
});

describe('images', () => {
  it('knows an image by its type', () => {
    expect(isImage('image/webp')).toBe(true);
    expect(isImage('application/pdf')).toBe(false);
    expect(essence(' Text/Plain ; charset=utf-8')).toBe('text/plain');
  });

  it('fits a thumbnail box, keeping the aspect ratio and never scaling up', () => {
    expect(fitWithin(600, 400, 280, 320)).toEqual({ width: 280, height: 187 });
    expect(fitWithin(400, 1200, 280, 320)).toEqual({ width: 107, height: 320 });
    expect(fitWithin(100, 50, 280, 320)).toEqual({ width: 100, height: 50 });
    // Size unknown (still processing): a 4:3 box.
    expect(fitWithin(0, 0, 280, 320)).toEqual({ width: 280, height: 210 });
  });
});
