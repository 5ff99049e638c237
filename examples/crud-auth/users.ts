import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/** A user as the API shows it. */
export interface User {
  username: string;
  fullName: string;
  scopes: string[];
}

interface StoredUser extends User {
  salt: Buffer;
  passwordHash: Buffer;
}

function hash(password: string, salt: Buffer): Buffer {
  // Small scrypt cost: this is an example and its tests run often.
  return scryptSync(password, salt, 32, { N: 1024 });
}

/** The users of the example, with hashed passwords. */
export class UserStore {
  readonly #users = new Map<string, StoredUser>();

  add(username: string, password: string, fullName: string, scopes: string[]): void {
    const salt = randomBytes(16);
    this.#users.set(username, { username, fullName, scopes, salt, passwordHash: hash(password, salt) });
  }

  /** The user when the password matches; compared in constant time. */
  authenticate(username: string, password: string): User | undefined {
    const user = this.#users.get(username);
    if (!user) return undefined;
    if (!timingSafeEqual(hash(password, user.salt), user.passwordHash)) return undefined;
    return this.find(username);
  }

  find(username: string): User | undefined {
    const user = this.#users.get(username);
    return user && { username: user.username, fullName: user.fullName, scopes: [...user.scopes] };
  }
}
