// Every slash command, by name.
import type { BotCommand } from '../command.js';
import * as cancel from './cancel.js';
import * as edit from './edit.js';
import * as history from './history.js';
import * as pause from './pause.js';
import * as preview from './preview.js';
import * as reschedule from './reschedule.js';
import * as reserve from './reserve.js';
import * as reserved from './reserved.js';
import * as resume from './resume.js';
import * as sendmail from './sendmail.js';
import * as template from './template.js';
import * as templates from './templates.js';
import * as timezone from './timezone.js';

const all: BotCommand[] = [sendmail, reserve, reserved, cancel, reschedule, edit, pause, resume, history, templates, template, preview, timezone];

export const botCommands = new Map<string, BotCommand>(all.map((command) => [command.data.name, command]));
