import nodemailer from 'nodemailer';

export type MailMessage = { readonly to: string; readonly subject: string; readonly text: string };
export type Mailer = { readonly kind: 'smtp' | 'console'; send(message: MailMessage): Promise<void> };

/**
 * SMTP through nodemailer when SMTP_URL is set. Without it (embedded mode) the message is printed on the
 * operator's console — not through the logger, which would rightly scrub the one-time link out of it.
 */
export function makeMailer(options: { smtpUrl?: string; from: string; print?: (text: string) => void }): Mailer {
  if (!options.smtpUrl) {
    const print = options.print ?? ((text: string) => console.log(text));
    return {
      kind: 'console',
      send: async (m) => print(`\n— письмо для ${m.to} —\n${m.subject}\n\n${m.text}\n— конец письма —\n`),
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    kind: 'smtp',
    send: async (m) => { await transport.sendMail({ from: options.from, to: m.to, subject: m.subject, text: m.text }); },
  };
}
