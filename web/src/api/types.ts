/** Names for the contract's schemas, so the rest of the app never spells out the generated paths. */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Me = Schemas['Me'];
export type PublicUser = Schemas['PublicUser'];
export type AuthResponse = Schemas['AuthResponse'];
export type LoginRequest = Schemas['LoginRequest'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type UpdateMe = Schemas['UpdateMe'];
export type UserList = Schemas['UserList'];
export type ErrorBody = Schemas['ErrorBody'];
