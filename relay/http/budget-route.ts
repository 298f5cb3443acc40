// POST /api/ops/budget: the billing budget's Pub/Sub push subscription (infra/slo.tf). Over budget closes the
// stage (relay/limits/stage-switch.ts): new scenes refused, live ones finish. A later notification under budget
// (the next month's) opens it again, but only if the budget closed it; a stage an operator closed stays closed.
// Pub/Sub signs each push with an OIDC token for the push service account; anything else is refused, so nobody
// on the internet can close (or open) the stage.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { type GoogleIssuerOverrides, googleIdTokenClient } from '../auth/google-authenticator.js';
import type { StageSwitch } from '../limits/stage-switch.js';
import type { Logger } from '../log.js';
import { readJsonBody, sendAppError, sendError } from './respond.js';

export const BUDGET_PUSH_PATH = '/api/ops/budget';
const MAX_BODY_BYTES = 16 * 1024;

export interface BudgetPushConfig extends GoogleIssuerOverrides {
  /** The push subscription's OIDC audience (BUDGET_PUSH_AUDIENCE). */
  audience: string;
  /** The service account Pub/Sub signs pushes as (BUDGET_PUSH_SERVICE_ACCOUNT); no other may flip the stage. */
  serviceAccount: string;
}

/** Cloud Billing's budget notification (the Pub/Sub message's data, base64 JSON). */
const BudgetNotification = z.object({
  budgetDisplayName: z.string().default(''),
  costAmount: z.number(),
  budgetAmount: z.number().positive(),
  currencyCode: z.string().default('USD'),
  alertThresholdExceeded: z.number().optional(),
});
export type BudgetNotification = z.infer<typeof BudgetNotification>;

const PushBody = z.object({ message: z.object({ data: z.string().min(1), messageId: z.string().optional() }) });

/** What a notification asks of the stage: close it, open it (if the budget closed it), or nothing. */
export function budgetVerdict(notification: BudgetNotification): 'over' | 'under' {
  const exceeded = notification.alertThresholdExceeded ?? 0;
  return exceeded >= 1 || notification.costAmount >= notification.budgetAmount ? 'over' : 'under';
}

export function createBudgetPushHandler(options: { config: BudgetPushConfig; stage: StageSwitch; logger: Logger }) {
  const { config, stage, logger } = options;
  const client = googleIdTokenClient(config);

  async function verify(request: IncomingMessage): Promise<void> {
    const header = request.headers.authorization ?? '';
    const idToken = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!idToken) throw new AppError('auth.required', 'a Pub/Sub push token is required', 401);
    let email: string | undefined;
    let verified: boolean | undefined;
    try {
      const payload = (await client.verifyIdToken({ idToken, audience: config.audience })).getPayload();
      email = payload?.email;
      verified = payload?.email_verified;
    } catch {
      throw new AppError('auth.invalid_token', 'the push token could not be verified', 401);
    }
    if (email !== config.serviceAccount || verified !== true) {
      logger.warn('budget push from an unexpected identity refused', { email });
      throw new AppError('auth.not_allowed', 'this identity may not flip the stage', 403);
    }
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      await verify(request);
      const body = PushBody.safeParse(await readJsonBody(request, MAX_BODY_BYTES));
      if (!body.success) throw new AppError('message.invalid', 'not a Pub/Sub push message');
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body.data.message.data, 'base64').toString('utf8'));
      } catch {
        throw new AppError('message.malformed', 'the message data is not base64 JSON');
      }
      const notification = BudgetNotification.safeParse(decoded);
      if (!notification.success) throw new AppError('message.invalid', 'not a budget notification');
      await act(notification.data);
      response.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof AppError)) {
        // Firestore unreachable: a non-2xx makes Pub/Sub push the notification again.
        logger.error('budget push: the stage switch could not be written', { error: String(error) });
        sendError(response, 503, 'store.unavailable', 'the stage switch could not be written; retry');
        return;
      }
      sendAppError(response, error);
    }
  };

  async function act(notification: BudgetNotification): Promise<void> {
    const verdict = budgetVerdict(notification);
    const figures = `${notification.costAmount} of ${notification.budgetAmount} ${notification.currencyCode}`;
    // The state as stored now, not as of the last poll: another instance may have flipped it.
    const current = await stage.refresh();
    if (verdict === 'over' && current.open) {
      await stage.set({
        open: false,
        closedBy: 'budget',
        reason: `budget "${notification.budgetDisplayName}" at ${figures}`,
      });
    } else if (verdict === 'under' && !current.open && current.closedBy === 'budget') {
      await stage.set({ open: true });
    }
    logger.info('budget notification', { verdict, figures, open: stage.isOpen, closedBy: stage.state.closedBy });
  }
}
