// In front of the app when this stage signs players in with Google: a small sign-in screen until the relay knows
// the player, and a clear refusal (not on the guest list, a limit) when it will not let them in. Offline
// (AUTH_MODE=anonymous) it renders the app at once.
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { UserMessage } from '../session/user-messages.js';
import { fetchSignInState, type SignInState, signInWithGoogle } from './auth-api.js';
import { renderGoogleButton } from './google-button.js';

export function SignInGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SignInState | 'loading'>('loading');
  const refresh = useCallback(() => {
    // A relay that cannot say (an old relay, a blip): the app itself reports connection problems.
    fetchSignInState().then(setState, () => setState({ mode: 'anonymous' }));
  }, []);
  useEffect(refresh, [refresh]);
  if (state === 'loading') return null;
  if (state.mode === 'anonymous' || state.player) return <>{children}</>;
  return <SignInScreen clientId={state.clientId} onSignedIn={refresh} />;
}

function SignInScreen({ clientId, onSignedIn }: { clientId: string; onSignedIn: () => void }) {
  const buttonRef = useRef<HTMLDivElement>(null);
  const [refusal, setRefusal] = useState<UserMessage | null>(null);
  useEffect(() => {
    const parent = buttonRef.current;
    if (!parent) return;
    renderGoogleButton(parent, clientId, (credential) => {
      void signInWithGoogle(credential).then((problem) => (problem ? setRefusal(problem) : onSignedIn()));
    }).catch(() =>
      setRefusal({
        code: 'transport.unreachable',
        text: 'Google sign-in could not be loaded — check your connection and reload the page.',
      }),
    );
  }, [clientId, onSignedIn]);
  return (
    <main
      id="main"
      className="stage-backdrop flex min-h-dvh flex-col items-center justify-center gap-6 px-4 text-stone-100"
    >
      <h1 data-page-heading tabIndex={-1} className="text-3xl font-semibold">
        Improv Olympics Live
      </h1>
      <p className="max-w-md text-center text-stone-300">
        Sign in to take the stage. Your scenes and coach reports stay with your account.
      </p>
      <div ref={buttonRef} data-testid="google-sign-in" />
      {refusal && (
        <p
          role="alert"
          data-error-code={refusal.code}
          className="max-w-md rounded-xl border border-rose-700/60 bg-rose-950/30 px-4 py-3 text-rose-50"
        >
          {refusal.text}
        </p>
      )}
    </main>
  );
}
