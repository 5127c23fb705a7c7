/**
 * A private Dovecot (Debian's dovecot-imapd) for the IMAP suite, as STACK.md describes: a temp
 * directory, a self-signed certificate, one user, IMAP with STARTTLS on a free port. Started as
 * a child with `setpriv --pdeathsig` so a killed test worker never leaves it running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export class Dovecot {
  dir = '';
  conf = '';
  port = 0;
  ca = '';
  private child: ChildProcess | null = null;

  async start(user = 'alice', password = 'secret'): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'novumdesk-dovecot-'));
    chmodSync(this.dir, 0o755);
    const mail = path.join(this.dir, 'mail');
    mkdirSync(mail);
    execFileSync('chown', ['nobody:nogroup', mail]);
    mkdirSync(path.join(this.dir, 'tls'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(this.dir, 'tls/key.pem'), '-out', path.join(this.dir, 'tls/cert.pem'),
    ], { stdio: 'ignore' }); // prettier-ignore
    this.ca = readFileSync(path.join(this.dir, 'tls/cert.pem'), 'utf8');
    writeFileSync(path.join(this.dir, 'users'), `${user}:{PLAIN}${password}\n`);
    this.port = await freePort();
    const imaps = await freePort();
    this.conf = path.join(this.dir, 'dovecot.conf');
    writeFileSync(
      this.conf,
      `protocols = imap
listen = 127.0.0.1
base_dir = ${this.dir}/run
state_dir = ${this.dir}/state
log_path = ${this.dir}/dovecot.log
instance_name = novumdesk-test-${this.port}
ssl = yes
ssl_cert = <${this.dir}/tls/cert.pem
ssl_key = <${this.dir}/tls/key.pem
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${this.dir}/users
}
userdb {
  driver = static
  args = home=${mail}/%u
}
mail_location = maildir:${mail}/%u
service imap-login {
  inet_listener imap {
    port = ${this.port}
  }
  inet_listener imaps {
    port = ${imaps}
  }
}
`,
    );
    this.child = spawn('setpriv', ['--pdeathsig', 'SIGTERM', 'dovecot', '-F', '-c', this.conf], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 400));
  }

  /** Delivers a raw message to the user's INBOX (doveadm save). */
  deliver(raw: string | Buffer, user = 'alice'): void {
    execFileSync('doveadm', ['-c', this.conf, 'save', '-u', user, '-m', 'INBOX'], { input: raw });
  }

  setUidValidity(value: number, user = 'alice'): void {
    execFileSync('doveadm', [
      '-c',
      this.conf,
      'mailbox',
      'update',
      '-u',
      user,
      '--uid-validity',
      String(value),
      'INBOX',
    ]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
