// The benchmark's SMTP sink, in its own process so that receiving mail does not share an event
// loop with either system under test. Reports every received mail to the parent over IPC.
import { SmtpSink } from '../../src/infra/smtp-sink.js';

const sink = await SmtpSink.start({ port: Number(process.env.SINK_PORT ?? 0), parse: false });
let batch: [string, number][] = [];
sink.onMail((mail) => {
  batch.push([mail.messageId, mail.receivedAt.getTime()]);
});
// Batched, so that IPC stays cheap at thousands of mails a second.
setInterval(() => {
  if (batch.length === 0) return;
  process.send!({ type: 'mails', mails: batch });
  batch = [];
}, 50);
process.on('message', (message: { type: string; rate?: number; code?: number }) => {
  if (message.type === 'failure-rate') sink.setFailureRate(message.rate ?? 0, message.code ?? 451);
});
process.on('disconnect', () => process.exit(0)); // the bench is gone
process.send!({ type: 'ready', port: sink.port });
