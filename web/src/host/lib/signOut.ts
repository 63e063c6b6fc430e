// Signing out: the server revokes the session, then the app forgets it.
import { api } from "./api";
import { getSession, setSession } from "./session";

/**
 * Signs out for real: the server revokes the session (its token stops working everywhere and its
 * sockets are disconnected), then the app forgets the token. A token the server already refuses,
 * or a server out of reach, is forgotten all the same.
 */
export async function signOut(): Promise<void> {
  try {
    if (getSession()) await api<undefined>("POST", "/api/auth/logout");
  } catch {
    // nothing more to do: the token is forgotten below
  } finally {
    setSession(null);
  }
}
