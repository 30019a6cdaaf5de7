// Outgoing mail through nodemailer: SMTP when SMTP_URL is set, nodemailer's JSON transport for
// `json:` (tests read what was sent), and nothing otherwise.
import { EventEmitter } from 'node:events';
import nodemailer, { type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class Mailer extends EventEmitter<{ sent: [Mail] }> {
  private readonly transport: Transporter | null;

  constructor(
    smtpUrl: string | null,
    private readonly from: string,
  ) {
    super();
    this.transport = smtpUrl === null ? null : smtpUrl.startsWith('json:') ? nodemailer.createTransport({ jsonTransport: true }) : nodemailer.createTransport(smtpUrl);
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) throw new Error('No SMTP_URL is configured');
    await this.transport.sendMail({ from: this.from, ...mail });
    this.emit('sent', mail);
  }

  close(): void {
    this.transport?.close();
  }
}
