// Who the manager is to the API: the bearer token (local admin token or Cognito IdToken), where it is kept, and the
// sign-in panel that obtains it.
import type { AuthConfig } from './config.ts';
import { t, type MessageKey } from './i18n.ts';
import { byId } from './dom.ts';

const STORAGE_KEY = 'opencem.token';
/** Kept as well as stored, for browsers that refuse localStorage. */
let memoryToken: string | null = null;

export interface Session {
  /** The bearer token to send, or null when the manager must sign in. */
  token(): string | null;
  /** Shows the sign-in panel (with an optional reason) and resolves once a token has been obtained. */
  signIn(reason?: MessageKey): Promise<string>;
  signOut(): void;
}

export function createSession(config: AuthConfig): Session {
  takeTokenFromFragment();
  // The other mode's fields leave the form, so browsers and password managers see one clear sign-in form.
  for (const part of byId('signin').querySelectorAll<HTMLElement>('[data-auth]')) {
    if (part.dataset.auth === config.mode) part.hidden = false;
    else part.remove();
  }
  let pending: Promise<string> | null = null;

  return {
    token() {
      const token = readToken();
      if (token && isExpired(token)) {
        forgetToken();
        return null;
      }
      return token;
    },
    signIn(reason) {
      pending ??= showSignIn(config, reason).finally(() => {
        pending = null;
      });
      return pending;
    },
    signOut() {
      forgetToken();
    },
  };
}

function readToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

function storeToken(token: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // private mode without storage: the token lives only as long as the page
  }
  memoryToken = token;
}

function forgetToken(): void {
  memoryToken = null;
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** Takes `#token=…` (or a Cognito hosted-UI `#id_token=…`) out of the address, so it is neither bookmarked nor shared. */
function takeTokenFromFragment(): void {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token') ?? fragment.get('id_token');
  if (!token) return;
  storeToken(token);
  fragment.delete('token');
  fragment.delete('id_token');
  fragment.delete('access_token');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
}

/** True for a JWT whose `exp` has passed (or passes within a minute); opaque tokens never expire here. */
function isExpired(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' && claims.exp * 1000 < Date.now() + 60_000;
  } catch {
    return false;
  }
}

function showSignIn(config: AuthConfig, reason?: MessageKey): Promise<string> {
  const panel = byId('signin');
  const form = byId<HTMLFormElement>('signin-form');
  const message = byId('signin-message');
  const submit = byId<HTMLButtonElement>('signin-submit');
  const newPasswordRow = config.mode === 'cognito' ? byId('signin-new-password-row') : null;
  document.body.classList.add('signed-out');
  panel.hidden = false;

  if (newPasswordRow) newPasswordRow.hidden = true;
  showMessage(reason ? t(reason) : '');

  const first = panel.querySelector<HTMLInputElement>(config.mode === 'token' ? '#signin-token' : '#signin-username');
  first?.focus();

  function showMessage(text: string): void {
    message.textContent = text;
    message.hidden = !text;
  }

  let challenge: { session: string; username: string } | null = null;

  return new Promise((resolve) => {
    const onSubmit = async (event: SubmitEvent): Promise<void> => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const data = new FormData(form);
        const field = (name: string) => String(data.get(name) ?? '').trim();
        let token: string | null;
        if (config.mode === 'token') {
          token = field('token') || null;
        } else if (challenge) {
          token = await cognitoNewPassword(config, challenge, field('newPassword'));
        } else {
          const result = await cognitoSignIn(config, field('username'), String(data.get('password') ?? ''));
          if ('challenge' in result) {
            challenge = result.challenge;
            if (newPasswordRow) newPasswordRow.hidden = false;
            showMessage(t('signin.newPasswordHint'));
            byId<HTMLInputElement>('signin-new-password').focus();
            return;
          }
          token = result.token;
        }
        if (!token) return;
        storeToken(token);
        form.removeEventListener('submit', onSubmit);
        form.reset();
        panel.hidden = true;
        document.body.classList.remove('signed-out');
        resolve(token);
      } catch (error) {
        showMessage(t('signin.failed', { message: error instanceof Error ? error.message : String(error) }));
      } finally {
        submit.disabled = false;
      }
    };
    form.addEventListener('submit', onSubmit);
  });
}

type CognitoConfig = Extract<AuthConfig, { mode: 'cognito' }>;
type SignInResult = { token: string } | { challenge: { session: string; username: string } };

async function cognitoSignIn(config: CognitoConfig, username: string, password: string): Promise<SignInResult> {
  const result = await cognitoCall(config, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config.userPoolClientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && typeof result.Session === 'string') {
    return { challenge: { session: result.Session, username } };
  }
  return { token: idToken(result) };
}

async function cognitoNewPassword(config: CognitoConfig, challenge: { session: string; username: string }, newPassword: string): Promise<string> {
  const result = await cognitoCall(config, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: config.userPoolClientId,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
  });
  return idToken(result);
}

interface CognitoAnswer {
  ChallengeName?: string;
  Session?: unknown;
  AuthenticationResult?: { IdToken?: unknown };
  message?: unknown;
  __type?: unknown;
}

function idToken(result: CognitoAnswer): string {
  const token = result.AuthenticationResult?.IdToken;
  if (typeof token !== 'string') throw new Error(result.ChallengeName ? `unsupported challenge ${result.ChallengeName}` : 'no IdToken in the answer');
  return token;
}

async function cognitoCall(config: CognitoConfig, action: string, body: unknown): Promise<CognitoAnswer> {
  const response = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as CognitoAnswer;
  if (!response.ok) throw new Error(typeof answer.message === 'string' ? answer.message : String(answer.__type ?? response.status));
  return answer;
}
