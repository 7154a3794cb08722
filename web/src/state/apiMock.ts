/**
 * For unit tests: the chat routes as mocks. A test file mocks `../api` with
 * `vi.mock('../api', async (real) => ({ ...(await real()), api: apiMock }))` after
 * `const { apiMock } = await vi.hoisted(() => import('./apiMock'))`.
 */
import { vi } from 'vitest';

export const apiMock = {
  chats: {
    list: vi.fn(),
    get: vi.fn(),
    createDirect: vi.fn(),
    createGroup: vi.fn(),
    addMember: vi.fn(),
    removeMember: vi.fn(),
    messages: vi.fn(),
    edit: vi.fn(),
    remove: vi.fn(),
    markRead: vi.fn(),
    wsTicket: vi.fn(),
  },
  users: {},
  attachments: {},
};

export function resetApiMock(): void {
  for (const fn of Object.values(apiMock.chats)) fn.mockReset();
}
