// The send-mail activity. Idempotent by construction: the claim on the task row decides whether
// to send at all, and the Message-ID is derived from the task id, so it is the same on every attempt.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TaskRepository } from '../db/task-repository.js';
import { isHeraldError } from '../domain/errors.js';
import type { Mailer } from '../mail/mailer.js';
import { classifySmtpError, describeSmtpError } from '../mail/smtp-errors.js';
import type { TemplateRegistry } from '../mail/templates.js';
import type { Logger } from '../logger.js';
import type { DeliveryResult } from '../workflows/definitions.js';

export interface SendMailDeps {
  tasks: TaskRepository;
  templates: TemplateRegistry;
  mailer: Mailer;
  logger: Logger;
  /** Aborted when the worker begins to shut down: holds end at once and hand their task back. */
  shuttingDown: AbortSignal;
}

export interface SendTaskMailInput {
  taskId: string;
  /** The time the task is due; the row must not say later. */
  dueBy: string;
  /** Wait in the worker until this instant before claiming (the workflow woke early to prepare). */
  holdUntil?: string;
}

export function createSendMailActivity({ tasks, templates, mailer, logger, shuttingDown }: SendMailDeps) {
  return async function sendTaskMail(input: SendTaskMailInput): Promise<DeliveryResult> {
    const { taskId } = input;
    const { attempt, activityId, workflowExecution } = Context.current().info;
    if (input.holdUntil && !(await hold(Date.parse(input.holdUntil) - Date.now(), shuttingDown))) {
      return { kind: 'interrupted' };
    }
    const claimToken = `${workflowExecution?.runId ?? ''}/${activityId}`;
    const claim = await tasks.claimForSending(taskId, new Date(input.dueBy), attempt, claimToken);
    if (claim.kind === 'missing') {
      throw ApplicationFailure.nonRetryable(`Task ${taskId} has no row in the database`, 'TaskDataError');
    }
    if (claim.kind === 'not-due') return { kind: 'not-due', scheduledAt: claim.scheduledAt.toISOString() };
    if (claim.kind === 'closed') return { kind: 'closed', status: claim.status };

    const { payload } = claim.task;
    let rendered;
    try {
      rendered = templates.render(payload.template, payload.language, payload.variables);
    } catch (err) {
      // The template changed since the task was accepted: no retry will fix that.
      const message = isHeraldError(err) ? err.message : String(err);
      throw ApplicationFailure.nonRetryable(message, 'TaskDataError');
    }

    const messageId = mailer.messageIdFor(taskId);
    try {
      await mailer.send({ ...rendered, to: payload.recipients, messageId, headers: { 'X-Herald-Task-Id': taskId } });
    } catch (err) {
      const kind = classifySmtpError(err);
      const message = describeSmtpError(err);
      logger.warn({ taskId, attempt, kind, err: message }, 'mail attempt failed');
      await tasks.recordAttemptError(taskId, message);
      if (kind === 'permanent') throw ApplicationFailure.nonRetryable(message, 'SmtpPermanentError');
      if (kind === 'configuration') throw ApplicationFailure.nonRetryable(message, 'MailConfigurationError');
      throw ApplicationFailure.retryable(message, 'SmtpTransientError');
    }

    await tasks.transition(taskId, 'finished', { finishedAt: new Date(), error: null });
    logger.info({ taskId, attempt, messageId, recipients: payload.recipients.length }, 'mail sent');
    return { kind: 'sent', messageId };
  };
}

/** Waits `ms`; false if the worker started shutting down first. */
function hold(ms: number, shuttingDown: AbortSignal): Promise<boolean> {
  if (shuttingDown.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      shuttingDown.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    shuttingDown.addEventListener('abort', onAbort, { once: true });
  });
}
