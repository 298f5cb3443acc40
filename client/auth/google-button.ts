// Google Identity Services, loaded only when this stage signs players in with Google (AUTH_MODE=google): the
// script tag is added here, on the sign-in screen, never in index.html.
const GIS_SCRIPT_URL = 'https://accounts.google.com/gsi/client';

interface GoogleIdApi {
  initialize(options: { client_id: string; callback: (response: { credential: string }) => void }): void;
  renderButton(parent: HTMLElement, options: Record<string, string | number>): void;
}

declare global {
  interface Window {
    google?: { accounts: { id: GoogleIdApi } };
  }
}

let loading: Promise<void> | null = null;

function loadGis(): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = GIS_SCRIPT_URL;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      loading = null;
      reject(new Error('Google sign-in could not be loaded'));
    };
    document.head.append(script);
  });
  return loading;
}

/** Renders the "Sign in with Google" button into `parent`; `onCredential` gets the ID token. */
export async function renderGoogleButton(
  parent: HTMLElement,
  clientId: string,
  onCredential: (credential: string) => void,
): Promise<void> {
  await loadGis();
  const id = window.google?.accounts.id;
  if (!id) throw new Error('Google sign-in did not start');
  id.initialize({ client_id: clientId, callback: (response) => onCredential(response.credential) });
  id.renderButton(parent, { theme: 'filled_black', size: 'large', shape: 'pill', text: 'signin_with' });
}
