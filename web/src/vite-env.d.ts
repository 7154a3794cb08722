/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the contract's `/api/...` routes live; ends in `/api` (default `/api`, same origin). */
  readonly VITE_API_BASE?: string;
  /** The WebSocket endpoint (default `/ws` on the same origin). */
  readonly VITE_WS_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
